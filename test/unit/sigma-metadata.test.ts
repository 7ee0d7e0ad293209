// The rule metadata the Sigma compiler derives: id, severity, ATT&CK from tags, runbook, dedupe, disabled
// deprecated rules, and the eventTypes the engine indexes rules by.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../detections/index.js';
import { compileSigmaRule } from '../../detections/sigma/index.js';
import { PROBE_ID, admin, dedent, event, probe } from './support/sigma.js';

describe('Sigma metadata', () => {
  it('maps id, level, tags, falsepositives and fields', () => {
    const rule = probe(
      `
      selection:
          eventType: user.account.privilege.grant
          debugContext.debugData.privilegeGranted|contains: administrator
      condition: selection
    `,
      `
      description: An admin role was granted.
      level: informational
      tags:
          - attack.persistence
          - attack.privilege_escalation
          - attack.t1098.003
          - attack.g0125
          - detection.emerging-threats
      falsepositives:
          - Planned role changes
    `,
    );
    expect(rule).toMatchObject({
      kind: 'single',
      id: `sigma-${PROBE_ID}`,
      title: 'Feature Probe',
      description: 'An admin role was granted.',
      severity: 'info',
      attack: { tactics: ['TA0003', 'TA0004'], techniques: ['T1098.003'] },
      eventTypes: ['user.account.privilege.grant'],
      fields: ['eventType', 'debugContext.debugData.privilegeGranted'],
      enabled: true,
    });
    expect(rule.runbook).toContain('Planned role changes');
    expect(rule.dedupe.periodMinutes).toBe(60);
    expect(rule.dedupe.key(event({ actor: admin }))).toBe(`user:${admin.id}`);
  });

  it('uses a slug of the title without an id, medium without a level, and disables deprecated rules', () => {
    const rule = compileSigmaRule(
      dedent(`
        title: Okta User Created (Test)
        status: deprecated
        logsource:
            product: okta
        detection:
            selection:
                eventType: user.lifecycle.create
            condition: selection
      `),
      'x.yml',
    );
    expect(rule).toMatchObject({ id: 'sigma-okta-user-created-test', severity: 'medium', enabled: false });
    expect(rule.attack).toEqual({ tactics: [], techniques: [] });
  });

  it("derives eventTypes from wildcards and startswith, and falls back to ['*']", () => {
    const prefix = probe(`
      selection:
          eventType: 'system.api_token.*'
      condition: selection
    `);
    expect(prefix.eventTypes).toEqual(['system.api_token.*']);
    const unpinned = probe(`
      selection:
          eventType|endswith: .create
      condition: selection
    `);
    expect(unpinned.eventTypes).toEqual(['*']);
    const partly = probe(`
      selection:
          eventType: user.session.start
      keywords:
          - evilginx
      condition: selection or keywords
    `);
    expect(partly.eventTypes).toEqual(['*']);
    // '*' shows the rule every event
    const lock = event({ eventType: 'user.account.lock', displayMessage: 'Evilginx' });
    expect(evaluate([partly], [lock])).toHaveLength(1);
  });
});
