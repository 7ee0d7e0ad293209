/**
 * Catalogue A7–A9: application integration changes. Org2Org apps (users pushed to or matched from another Okta org),
 * apps set to push cleartext passwords over SCIM, and apps updated, deactivated or deleted in general.
 */
import { commonFields, groupKeys } from '../../log-event.js';
import type { OktaLogEvent, SingleRule } from '../../types.js';
import {
  attemptAware,
  attemptAwareNote,
  carriedOut,
  highestOf,
  isEventType,
  outcomeNote,
  privilegeFields,
  severityByEventType,
  targetKey,
} from './helpers.js';

const CREATE = 'application.lifecycle.create';
const ACTIVATE = 'application.lifecycle.activate';
const UPDATE = 'application.lifecycle.update';
const DEACTIVATE = 'application.lifecycle.deactivate';
const DELETE = 'application.lifecycle.delete';

const appKey = (event: OktaLogEvent) => targetKey('app', event, ['AppInstance']) ?? targetKey('app', event);

/** The Okta Org2Org integration shows as "Okta Org2Org" (displayName) whatever label the admin gave it. */
const ORG2ORG = /org2org/i;

function isOrg2OrgApp(event: OktaLogEvent): boolean {
  return [...privilegeFields.targetDisplayName.texts(event), ...privilegeFields.targetAlternateId.texts(event)].some((name) =>
    ORG2ORG.test(name),
  );
}

const ORG2ORG_TYPES = [CREATE, ACTIVATE, UPDATE];

export const org2orgAppChange: SingleRule = {
  kind: 'single',
  id: 'okta-org2org-app-change',
  title: 'Org2Org application created or changed',
  description:
    'An Okta Org2Org application was created, activated or updated. Org2Org links this tenant to another Okta org ' +
    'and pushes or matches users between them; one pointing at an attacker-controlled org gives that org a trusted ' +
    'path into this one. High when created, medium for activation or updates.' +
    outcomeNote.attempts +
    ' Needs target: only the target\'s name tells an Org2Org app from any other app (other app changes are ' +
    'okta-app-modified-or-removed\'s).',
  severity: attemptAware(highestOf(severityByEventType({ [CREATE]: 'high' }, 'medium'))),
  severityNote: attemptAwareNote({
    levels: ['medium', 'high'],
    how: 'high when the match holds an app creation, medium for activation or updates',
  }),
  attack: { tactics: ['TA0001', 'TA0004', 'TA0005'], techniques: ['T1199', 'T1484.002'] },
  eventTypes: ORG2ORG_TYPES,
  fields: ['eventType', 'outcome.result', 'target.displayName', 'target.alternateId', 'target[type=AppInstance].id', 'actor.alternateId'],
  runbook:
    'Find out which org the app connects to (its base URL) and who asked for it; deactivate it if nobody can vouch ' +
    'for the other org, and review the users and groups assigned to it.',
  dedupe: { periodMinutes: 60, key: (event) => appKey(event) ?? groupKeys.actor(event) },
  enabled: true,
  match: (event) => isEventType(event, ORG2ORG_TYPES) && isOrg2OrgApp(event),
};

/** Okta's outcome reason when an app's provisioning is set to push user passwords. */
const PASSWORD_PUSH = /pushing user passwords/i;

export const scimPasswordPush: SingleRule = {
  kind: 'single',
  id: 'okta-scim-password-push',
  title: 'Application set to push user passwords (SCIM)',
  description:
    "An application's provisioning was changed to push users' Okta passwords to it. Pointed at a SCIM server the " +
    'attacker controls, this hands over the cleartext password of every assigned user at their next password change.' +
    outcomeNote.attempts +
    ' Needs outcome: Okta says "Pushing user passwords" only in outcome.reason, so an event without it cannot be judged.',
  severity: attemptAware('high'),
  severityNote: attemptAwareNote('high'),
  attack: { tactics: ['TA0006'], techniques: ['T1555'] },
  eventTypes: [UPDATE],
  fields: ['eventType', 'outcome.result', 'outcome.reason', 'target[type=AppInstance].id', 'target.displayName', 'actor.alternateId'],
  runbook:
    'Check the app\'s provisioning target (SCIM base URL) and owner; if unknown, turn off password push, deactivate ' +
    'the app and reset the passwords of users assigned to it since the change.',
  dedupe: { periodMinutes: 60, key: (event) => appKey(event) ?? groupKeys.actor(event) },
  enabled: true,
  match: (event) =>
    isEventType(event, [UPDATE]) && PASSWORD_PUSH.test(commonFields.outcomeReason.text(event) ?? ''),
};

const MODIFY_OR_REMOVE_TYPES = [UPDATE, DEACTIVATE, DELETE];

export const appModifiedOrRemoved: SingleRule = {
  kind: 'single',
  id: 'okta-app-modified-or-removed',
  title: 'Application integration updated, deactivated or deleted',
  description:
    'An app integration was updated, deactivated or deleted. Mostly routine admin work, hence low; useful as context ' +
    'next to other detections (a SAML endpoint swapped, a security tool\'s app removed).' +
    outcomeNote.carriedOutOnly('a refused app edit changed nothing and is routine (validation errors).'),
  // Routine for app admins: low, and one detection per admin and hour however many apps they touch.
  severity: 'low',
  attack: { tactics: ['TA0040', 'TA0003'], techniques: ['T1489', 'T1098'] },
  eventTypes: MODIFY_OR_REMOVE_TYPES,
  fields: ['eventType', 'outcome.result', 'target[type=AppInstance].id', 'target.displayName', 'actor.id', 'actor.alternateId'],
  runbook: 'Check with the acting admin which apps they changed and why; re-enable any app removed without a change request.',
  dedupe: { periodMinutes: 60, key: groupKeys.actor },
  enabled: true,
  match: (event) => isEventType(event, MODIFY_OR_REMOVE_TYPES) && carriedOut(event),
};
