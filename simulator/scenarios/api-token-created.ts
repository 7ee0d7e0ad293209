/** An admin creates an SSWS API token (persistence for an intruder, or shadow automation). */
import { buildEvent, userActor } from '../events.js';
import { ID_PREFIX, oktaId } from '../ids.js';
import { newSession } from '../sign-in.js';
import { chooseAdmin, defineScenario, homeSource } from './context.js';

export interface ApiTokenCreatedOptions {
  createdBy?: string;
  tokenName?: string;
}

export interface ApiTokenCreatedSubjects {
  tokenId: string;
  tokenName: string;
  createdBy: string;
}

export const apiTokenCreated = defineScenario<ApiTokenCreatedOptions, ApiTokenCreatedSubjects>({
  description: 'system.api_token.create by an admin',
  build(context, options) {
    const { rng, at } = context;
    const admin = chooseAdmin(context, options.createdBy);
    const tokenId = oktaId(rng, ID_PREFIX.apiToken);
    const tokenName = options.tokenName ?? 'automation';
    const event = buildEvent(rng, {
      eventType: 'system.api_token.create', published: at, actor: userActor(admin), source: homeSource(context, admin),
      session: newSession(rng),
      target: [{ id: tokenId, type: 'Token', alternateId: 'unknown', displayName: tokenName, detailEntry: null }],
      requestUri: '/api/internal/tokens',
    });
    return { events: [event], subjects: { tokenId, tokenName, createdBy: admin.id } };
  },
});
