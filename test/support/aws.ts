// The AWS side of the test stack: the EventBridge emulator, as Okta and the platform's account see it.
import { inject } from 'vitest';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OORT_AWS_ACCOUNTS } from '../../lib/config.js';

/** What the Okta simulator needs to create partner event sources when a log stream is saved (tests run as `test`). */
export function oktaEventBridge(): { endpoint: string; account: string } {
  return { endpoint: inject('stack').eventBridgeEndpoint, account: OORT_AWS_ACCOUNTS.test };
}

/** The platform's EventBridge client on the emulator (to inspect or break the route in a test). */
export function platformEventBridge(): EventBridgeClient {
  return new EventBridgeClient({
    endpoint: inject('stack').eventBridgeEndpoint,
    region: 'us-east-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** The emulator's counters (accepted, dropped while unassociated, delivered …), after deliveries under way. */
export async function eventBridgeStats(): Promise<{ sources: Record<string, Record<string, number>> }> {
  const res = await fetch(`${inject('stack').eventBridgeEndpoint}/_emulator/stats?settle=1`);
  return (await res.json()) as { sources: Record<string, Record<string, number>> };
}
