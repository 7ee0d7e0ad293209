/** Section C of the catalogue: session theft, risky sign-in context and Okta's own signals, in catalogue order. */
import type { Rule } from '../../types.js';
import { adminConsoleLoginFailure } from './admin-console-failure.js';
import { aitmSessionReplay } from './aitm-session-replay.js';
import { sessionViaAnonymizer } from './anonymizer.js';
import { failedAppAccessInSession } from './failed-app-access.js';
import { idpSignIn, idpSignInFailure } from './federation.js';
import { impossibleTravelVelocity, signInsFromTwoCountries } from './impossible-travel.js';
import { manySessionsForUser } from './many-sessions.js';
import { oauthPublicClientAbuse, refreshTokenReuse } from './oauth.js';
import {
  fastPassPhishingBlocked,
  rateLimitViolation,
  threatInsightDetection,
  unauthorizedAppAccess,
} from './okta-signals.js';
import { newBehaviorAdminConsole, newRiskBehavior } from './risk-behavior.js';
import { deviceTokenMultiClient, sessionHijackMultiDevice } from './session-hijack.js';
import { userReportedSuspicious } from './user-reported-suspicious.js';

import { idpSignInNewIssuer, ssoFromUnknownDeviceNew } from './first-seen.js';
import { proxyLoginThenAlerts } from './proxy-then-alerts.js';

export const sessionRules: readonly Rule[] = [
  sessionHijackMultiDevice, // C51
  aitmSessionReplay, // C52
  deviceTokenMultiClient, // C53
  manySessionsForUser, // C54
  failedAppAccessInSession, // C55
  signInsFromTwoCountries, // C56
  impossibleTravelVelocity, // C56
  sessionViaAnonymizer, // C57
  proxyLoginThenAlerts, // C58
  newBehaviorAdminConsole, // C59
  newRiskBehavior, // C60
  adminConsoleLoginFailure, // C61
  idpSignIn, // C62
  idpSignInFailure, // C62
  idpSignInNewIssuer, // C62
  ssoFromUnknownDeviceNew, // C63
  oauthPublicClientAbuse, // C64
  refreshTokenReuse, // C65
  unauthorizedAppAccess, // C66
  fastPassPhishingBlocked, // C67
  threatInsightDetection, // C68
  userReportedSuspicious, // C69
  rateLimitViolation, // C70
];
