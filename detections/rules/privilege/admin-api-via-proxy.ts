/** Catalogue A27: admin pages or admin API endpoints reached through an anonymising proxy, VPN or Tor. */
import { commonFields, groupKeys } from '../../log-event.js';
import { isTrue } from '../../fields.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import { privilegeFields } from './helpers.js';

/**
 * "admin" as a whole path segment (`/admin/…`, `/api/v1/…/admin/…`): the catalogue's plain "contains admin" also hit
 * ordinary app sign-ins such as `/app/shopify_admin/…/sso/saml`.
 */
const ADMIN_SEGMENT = /(^|\/)admin(\/|$)/i;

function isAdminRequestViaProxy(event: OktaLogEvent): boolean {
  if (!isTrue(privilegeFields.isProxy.first(event))) return false;
  const path = (privilegeFields.requestUri.text(event) ?? '').split('?')[0];
  return ADMIN_SEGMENT.test(path);
}

export const adminApiViaProxy: SingleRule = {
  kind: 'single',
  id: 'okta-admin-api-via-proxy',
  title: 'Admin activity through an anonymising proxy',
  description:
    'A request to an admin page or endpoint (an "admin" segment in requestUri) came through an address Okta flags as an ' +
    'anonymising proxy. Admins rarely work through Tor or commercial VPN exits; attackers replaying a stolen admin ' +
    'session usually do. Any outcome counts. Needs securityContext and debugContext: the proxy flag and the request URI ' +
    'are the signal.',
  severity: 'medium',
  attack: { tactics: ['TA0001', 'TA0011'], techniques: ['T1078.004', 'T1090'] },
  // The flag and the URI are on whatever event the request produced, so every type is examined.
  eventTypes: ['*'],
  fields: [
    'eventType',
    'debugContext.debugData.requestUri',
    'securityContext.isProxy',
    'securityContext.asOrg',
    'actor.id',
    'actor.alternateId',
    'client.ipAddress',
  ],
  runbook:
    'Ask the admin whether they used a VPN or proxy at that time (asOrg, IP); if not, clear their sessions, reset ' +
    'their credentials and review the admin actions in the session.',
  dedupe: { periodMinutes: 60, key: (event) => groupKeys.actor(event) ?? groupKeys.ip(commonFields.clientIp.text(event)) },
  enabled: true,
  // Any outcome: a denied admin call through a proxy is still someone probing with admin credentials.
  match: isAdminRequestViaProxy,
};
