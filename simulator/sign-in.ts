/**
 * The OIE sign-in flow as the System Log records it, shared by everyday activity and attack
 * scenarios: policy evaluation → MFA (push sent, then verified) → session start → SSO → logout.
 */
import {
  appTargets, behaviorsString, buildEvent, enrollmentTarget, policyTargets, riskString, userActor, userTarget,
  type Behavior, type RequestSource,
} from './events.js';
import { sessionId } from './ids.js';
import type { Random } from './random.js';
import { SECOND, addMs } from './time.js';
import type { LogActor, OktaLogEvent, OktaUser, OktaUserFactor, SignInFactor, SimulatedApp, SimulatedOrg } from './types.js';

export interface Session {
  externalSessionId: string;
  rootSessionId: string;
}

/** How Okta judged the context of a sign-in; defaults describe a familiar place and device. */
export interface SignInAssessment {
  behaviors?: Behavior[];
  risk?: { level: 'LOW' | 'MEDIUM' | 'HIGH'; reasons?: string[] };
  threatSuspected?: boolean;
}

export interface SignIn {
  events: OktaLogEvent[];
  session: Session;
  /** When the session started (the `user.session.start` event). */
  startedAt: Date;
}

const FACTOR_DEBUG_NAMES: Record<SignInFactor, string> = {
  push: 'OKTA_VERIFY_PUSH', signed_nonce: 'SIGNED_NONCE', 'token:software:totp': 'GOOGLE_OTP', sms: 'SMS_FACTOR', webauthn: 'FIDO_WEBAUTHN',
};

const FACTOR_METHODS: Record<SignInFactor, { methodTypeUsed: string; methodUsedVerifiedProperties: string }> = {
  push: { methodTypeUsed: 'Get a push notification', methodUsedVerifiedProperties: '[USER_PRESENCE]' },
  signed_nonce: { methodTypeUsed: 'Use Okta FastPass', methodUsedVerifiedProperties: '[DEVICE_BOUND, PHISHING_RESISTANT, USER_PRESENCE]' },
  'token:software:totp': { methodTypeUsed: 'Enter a code', methodUsedVerifiedProperties: '[DEVICE_BOUND]' },
  sms: { methodTypeUsed: 'Receive a code via SMS', methodUsedVerifiedProperties: '[]' },
  webauthn: { methodTypeUsed: 'Use Security Key or Biometric Authenticator', methodUsedVerifiedProperties: '[DEVICE_BOUND, PHISHING_RESISTANT, HARDWARE_PROTECTED]' },
};

export function newSession(rng: Random): Session {
  const id = sessionId(rng);
  return { externalSessionId: id, rootSessionId: id };
}

/** A rejected password: `user.session.start` FAILURE, no session, usually no target. */
export function failedSignIn(
  rng: Random, actor: LogActor, source: RequestSource, at: Date,
  options: { reason?: string; requestUri?: string; assessment?: SignInAssessment } = {},
): OktaLogEvent {
  return buildEvent(rng, {
    eventType: 'user.session.start',
    published: at,
    actor,
    source,
    outcome: { result: 'FAILURE', reason: options.reason ?? 'INVALID_CREDENTIALS' },
    severity: 'WARN',
    legacyEventType: 'core.user_auth.login_failed',
    target: null,
    authentication: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' },
    requestUri: options.requestUri ?? '/idp/idx/identify',
    debugData: assessmentData(options.assessment),
  });
}

/** A full successful sign-in: policy, MFA with the person's usual factor, session start. */
export function successfulSignIn(
  rng: Random, org: SimulatedOrg, user: OktaUser, source: RequestSource, at: Date,
  options: { factor?: SignInFactor; requireMfa?: boolean; assessment?: SignInAssessment } = {},
): SignIn {
  const session = newSession(rng);
  const factor = findFactor(org, user, options.factor ?? org.personas[user.id]?.signInFactor ?? 'push');
  const requireMfa = options.requireMfa ?? true;
  const events: OktaLogEvent[] = [];
  let t = at;

  events.push(buildEvent(rng, {
    eventType: 'policy.evaluate_sign_on', published: t, actor: userActor(user), source, session,
    outcome: { result: requireMfa && factor ? 'CHALLENGE' : 'ALLOW', reason: `Sign-on policy evaluation resulted in ${requireMfa && factor ? 'CHALLENGE' : 'ALLOW'}` },
    target: policyTargets(org.signOnPolicy), requestUri: '/idp/idx/identify', debugData: assessmentData(options.assessment),
  }));

  if (requireMfa && factor) {
    t = addMs(t, rng.int(800, 2_500));
    if (factor.factorType === 'push') {
      const challenge = pushChallenge(rng, user, factor, source, t, 'approve', session);
      events.push(...challenge);
      t = new Date(challenge[challenge.length - 1].published);
    } else {
      t = addMs(t, factor.factorType === 'signed_nonce' ? rng.int(500, 2_000) : rng.int(6, 25) * SECOND);
      events.push(mfaVerification(rng, user, factor, source, t, 'SUCCESS', session));
    }
  }

  t = addMs(t, rng.int(200, 1_200));
  events.push(buildEvent(rng, {
    eventType: 'user.session.start', published: t, actor: userActor(user), source, session,
    target: factor ? [enrollmentTarget(factor)] : null,
    authentication: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' },
    requestUri: '/idp/idx/authenticators/poll',
    debugData: assessmentData(options.assessment),
  }));
  return { events, session, startedAt: t };
}

/** One Okta Verify push: the send, then the user's answer a few seconds later. */
export function pushChallenge(
  rng: Random, user: OktaUser, factor: OktaUserFactor, source: RequestSource, at: Date,
  answer: 'approve' | 'reject', session: Session | null,
): [OktaLogEvent, OktaLogEvent] {
  const sent = buildEvent(rng, {
    eventType: 'system.push.send_factor_verify_push', published: at, actor: userActor(user), source, session: session ?? undefined,
    target: [enrollmentTarget(factor)], requestUri: '/idp/idx/challenge', legacyEventType: null,
  });
  const answeredAt = addMs(at, rng.int(3, 20) * SECOND + rng.int(0, 999));
  const verified = mfaVerification(rng, user, factor, source, answeredAt, answer === 'approve' ? 'SUCCESS' : 'FAILURE', session);
  return [sent, verified];
}

export function mfaVerification(
  rng: Random, user: OktaUser, factor: OktaUserFactor, source: RequestSource, at: Date,
  result: 'SUCCESS' | 'FAILURE', session: Session | null,
): OktaLogEvent {
  const kind = factor.factorType as SignInFactor;
  const approve = result === 'SUCCESS';
  return buildEvent(rng, {
    eventType: 'user.authentication.auth_via_mfa', published: at, actor: userActor(user), source, session: session ?? undefined,
    outcome: { result, reason: approve ? null : 'INVALID_CREDENTIALS' },
    legacyEventType: approve ? 'core.user.factor.attempt_success' : 'core.user.factor.attempt_fail',
    severity: approve ? 'INFO' : 'WARN',
    target: [userTarget(user), enrollmentTarget(factor, FACTOR_METHODS[kind] ?? null)],
    authentication: { authenticationProvider: 'FACTOR_PROVIDER' },
    requestUri: '/idp/idx/authenticators/poll',
    debugData: {
      factor: FACTOR_DEBUG_NAMES[kind] ?? kind.toUpperCase(),
      factorIntent: 'AUTHENTICATION',
      threatSuspected: 'false',
      ...(kind === 'push' ? { pushOnlyResponseType: approve ? 'OV_RESPONSE_APPROVE' : 'OV_RESPONSE_REJECT' } : {}),
    },
  });
}

export function appSignOn(rng: Random, user: OktaUser, app: SimulatedApp, source: RequestSource, at: Date, session: Session): OktaLogEvent {
  const path = app.signOnMode === 'SAML_2_0' ? 'sso/saml' : 'oauth2/v1/authorize';
  return buildEvent(rng, {
    eventType: 'user.authentication.sso', published: at, actor: userActor(user), source, session,
    target: appTargets(app, user), requestUri: `/app/${app.name}/${app.id}/${path}`,
    debugData: { initiationType: rng.chance(0.7) ? 'IDP_INITIATED' : 'SP_INITIATED' },
  });
}

export function signOut(rng: Random, user: OktaUser, source: RequestSource, at: Date, session: Session): OktaLogEvent {
  return buildEvent(rng, {
    eventType: 'user.session.end', published: at, actor: userActor(user), source, session, requestUri: '/login/signout',
  });
}

export function findFactor(org: SimulatedOrg, user: OktaUser, type: SignInFactor): OktaUserFactor | null {
  const factors = org.factors[user.id] ?? [];
  return factors.find((f) => f.factorType === type) ?? factors.find((f) => f.factorType !== 'email') ?? null;
}

function assessmentData(assessment: SignInAssessment = {}): Record<string, string> {
  const risk = assessment.risk ?? { level: 'LOW' as const };
  return {
    threatSuspected: String(assessment.threatSuspected ?? false),
    behaviors: behaviorsString(assessment.behaviors ?? []),
    risk: riskString(risk.level, risk.reasons),
  };
}
