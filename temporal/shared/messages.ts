// Signals and queries of the integration lifecycle, shared by workflows, the CLI and clients.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OnboardingState } from '../../workflows/types.js';

/** Sent by the customer's technical contact once the Okta log stream to EventBridge exists. */
export const eventBridgeInPlaceSignal = defineSignal('eventBridgeInPlace');

/** Sent after the API token was corrected (`npx oort-okta integrations rotate-token`). */
export const credentialsUpdatedSignal = defineSignal('credentialsUpdated');

/** Sent when an operator switches the integration between streaming and polling (the mode is read from the database). */
export const ingestModeChangedSignal = defineSignal('ingestModeChanged');

/** The onboarding status and the values the customer must enter in Okta. */
export const onboardingStatusQuery = defineQuery<OnboardingState>('status');
