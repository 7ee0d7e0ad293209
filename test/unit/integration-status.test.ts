import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, IllegalTransitionError, INTEGRATION_STATUSES, type IntegrationStatus } from '../../integrations/status.js';

describe('integration status transitions', () => {
  it.each<[IntegrationStatus, IntegrationStatus]>([
    ['validating_credentials', 'syncing_directory'],
    ['credentials_invalid', 'validating_credentials'],
    ['syncing_directory', 'awaiting_log_stream'],
    ['awaiting_log_stream', 'log_stream_misconfigured'],
    ['log_stream_misconfigured', 'awaiting_first_event'],
    ['awaiting_first_event', 'streaming'],
    ['streaming', 'paused'],
    ['paused', 'streaming'],
    ['streaming', 'degraded'],
    ['degraded', 'streaming'],
    ['streaming', 'credentials_invalid'],
    ['streaming', 'validating_credentials'],
    ['syncing_directory', 'polling'],
    ['awaiting_log_stream', 'polling'],
    ['streaming', 'polling'],
    ['polling', 'streaming'],
    ['degraded', 'polling'],
    ['polling', 'paused'],
    ['paused', 'polling'],
  ])('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition('okta-1a2b3c4d5e6f7a8b', from, to)).not.toThrow();
  });

  it.each<[IntegrationStatus, IntegrationStatus]>([
    ['paused', 'degraded'],
    ['paused', 'credentials_invalid'],
    ['awaiting_log_stream', 'streaming'],
    ['validating_credentials', 'streaming'],
    ['credentials_invalid', 'streaming'],
    ['streaming', 'awaiting_log_stream'],
    ['polling', 'degraded'],
    ['validating_credentials', 'polling'],
  ])('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('lets every status but removed go to removed, and nothing leave removed', () => {
    for (const s of INTEGRATION_STATUSES) {
      if (s !== 'removed') expect(canTransition(s, 'removed')).toBe(true);
      if (s !== 'removed') expect(canTransition('removed', s)).toBe(false);
    }
  });

  it('allows staying in the same status (a retried activity)', () => {
    for (const s of INTEGRATION_STATUSES) expect(canTransition(s, s)).toBe(true);
  });

  it('assertTransition names the integration and both states', () => {
    expect(() => assertTransition('okta-1a2b3c4d5e6f7a8b', 'removed', 'streaming')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('okta-1a2b3c4d5e6f7a8b', 'removed', 'streaming')).toThrow(
      'Integration okta-1a2b3c4d5e6f7a8b cannot go from removed to streaming.',
    );
  });
});
