/**
 * An admin creates an SSWS API token (persistence for an intruder, or shadow automation). Optionally
 * the admin session is driven from an address Okta flags as an anonymising proxy: an intruder in a
 * stolen session minting a token that outlives it.
 */
import { buildEvent, userActor, type RequestSource } from '../events.js';
import { ID_PREFIX, oktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { chooseAdmin, defineScenario, homeSource, proxiedSource } from './context.js';

export interface ApiTokenCreatedOptions {
  createdBy?: string;
  tokenName?: string;
  /** Whether the token is created through an anonymising proxy (VPN exit, hosting) instead of from home (default false). */
  viaProxy?: boolean;
}

export interface ApiTokenCreatedSubjects {
  tokenId: string;
  tokenName: string;
  createdBy: string;
  /** The address the token was created from. */
  sourceIp: string;
  viaProxy: boolean;
}

export const apiTokenCreated = defineScenario<ApiTokenCreatedOptions, ApiTokenCreatedSubjects>({
  description: 'system.api_token.create by an admin, optionally through an anonymising proxy (securityContext.isProxy)',
  build(context, options) {
    const { rng, at } = context;
    const admin = chooseAdmin(context, options.createdBy);
    const tokenId = oktaId(rng, ID_PREFIX.apiToken);
    const tokenName = options.tokenName ?? 'automation';
    const viaProxy = options.viaProxy ?? false;
    const source: RequestSource = viaProxy
      ? proxiedSource(context, admin)
      : homeSource(context, admin);
    const event = buildEvent(rng, {
      eventType: 'system.api_token.create', published: at, actor: userActor(admin), source,
      session: newSession(rng),
      target: [{ id: tokenId, type: 'Token', alternateId: 'unknown', displayName: tokenName, detailEntry: null }],
      requestUri: '/api/internal/tokens',
    });
    return { events: [event], subjects: { tokenId, tokenName, createdBy: admin.id, sourceIp: source.origin.ip, viaProxy } };
  },
});
