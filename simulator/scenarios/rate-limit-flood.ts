/**
 * An API client hammering the org: a script holding an admin's SSWS token pages through the user
 * directory (or another endpoint) from a rented server far faster than the org's rate limit allows.
 * Okta does not log the reads themselves, only its limits: one `system.org.rate_limit.warning` as
 * the bucket passes 60 %, then one `system.org.rate_limit.violation` for every window the script
 * keeps exceeding it (requests refused with 429). The actor is the token's owner.
 */
import { userActor } from '../events.js';
import { ID_PREFIX, oktaId, randomUuid } from '../ids.js';
import { MINUTE, SECOND, addMs } from '../time.js';
import type { LogTarget, OktaLogEvent } from '../types.js';
import { ATTACKER_AGENTS, attackerSource, chooseAdmin, defineScenario } from './context.js';
import { scenarioEvent } from './log-events.js';

export interface RateLimitFloodOptions {
  /** Whose API token the script uses (default: the super admin). */
  tokenOwnerId?: string;
  /** The endpoint flooded (default '/api/v1/users'). */
  endpoint?: string;
  /** Per-minute limit of the endpoint's bucket (default 600, Workforce `/api/v1/users`). */
  limitPerMinute?: number;
  /** Rate-limit windows the script exceeds (default 5). */
  windows?: number;
}

export interface RateLimitFloodSubjects {
  tokenOwnerId: string;
  tokenId: string;
  sourceIp: string;
  endpoint: string;
  violations: number;
}

/** Okta warns when a bucket passes this share of its limit. */
const WARNING_PERCENT = 60;

export const rateLimitFlood = defineScenario<RateLimitFloodOptions, RateLimitFloodSubjects>({
  description: 'A script with an SSWS token exceeds an endpoint rate limit: system.org.rate_limit.warning, then system.org.rate_limit.violation per window',
  build(context, options) {
    const { rng, at } = context;
    const owner = chooseAdmin(context, options.tokenOwnerId);
    const endpoint = options.endpoint ?? '/api/v1/users';
    const limit = Math.max(1, options.limitPerMinute ?? 600);
    const windows = Math.max(1, options.windows ?? 5);
    const tokenId = oktaId(rng, ID_PREFIX.apiToken);
    const source = attackerSource(rng, undefined, ATTACKER_AGENTS.goClient);
    const bucketUuid = randomUuid(rng);
    const target: LogTarget[] = [{ id: endpoint, type: 'URL Pattern', alternateId: null, displayName: null, detailEntry: null }];
    const base = {
      actor: userActor(owner), source, target, requestUri: endpoint,
      transaction: { detail: { requestApiTokenId: tokenId } },
    };
    // Okta's windows start with their first request, not on the clock minute.
    const limits = (windowStart: Date, now: Date): Record<string, string> => ({
      rateLimitBucketUuid: bucketUuid,
      rateLimitScopeType: 'org',
      rateLimitSecondsToReset: String(Math.max(1, Math.round((windowStart.getTime() + MINUTE - now.getTime()) / SECOND))),
      threshold: String(limit),
    });

    const events: OktaLogEvent[] = [];
    const warnedAt = addMs(at, rng.int(4, 12) * SECOND);
    events.push(scenarioEvent(rng, {
      ...base, eventType: 'system.org.rate_limit.warning', published: warnedAt,
      debugData: { ...limits(at, warnedAt), warningPercent: String(WARNING_PERCENT) },
    }));
    for (let w = 0; w < windows; w++) {
      // The script reaches the limit a quarter of the way into each window; the rest of the window is refused.
      const windowStart = addMs(at, w * MINUTE);
      const exceededAt = addMs(windowStart, rng.int(10, 20) * SECOND + rng.int(0, 999));
      events.push(scenarioEvent(rng, {
        ...base, eventType: 'system.org.rate_limit.violation', published: exceededAt,
        outcome: { result: 'DENY', reason: 'API call exceeded rate limit due to too many requests.' },
        debugData: limits(windowStart, exceededAt),
      }));
    }
    return { events, subjects: { tokenOwnerId: owner.id, tokenId, sourceIp: source.origin.ip, endpoint, violations: windows } };
  },
});
