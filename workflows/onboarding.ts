// Onboarding of one Okta integration, as the customer-facing setup guide describes it:
// validate the API token → sync the directory → create the integration's queue → wait for the
// "EventBridge in place" signal (reminding if it does not come) → verify the log stream through
// the Okta API → create the Schedules → wait for the first streamed event → streaming.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { credentialsUpdatedSignal, eventBridgeInPlaceSignal, onboardingStatusQuery } from './messages.js';
import { CREDENTIALS_REJECTED, type OnboardingInput, type OnboardingState } from './types.js';

const okta = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: [CREDENTIALS_REJECTED] },
});
const platform = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', maximumAttempts: 20 },
});

export async function onboarding(input: OnboardingInput): Promise<void> {
  const { integrationId } = input;
  const state: OnboardingState = {
    integrationId,
    status: input.resume?.phase ?? 'validating_credentials',
    detail: null,
    setup: null,
    signalsReceived: input.resume?.signalsReceived ?? 0,
    streamChecks: input.resume?.streamChecks ?? 0,
    lastStreamCheck: null,
    remindersSent: input.resume?.remindersSent ?? 0,
  };
  let credentialUpdates = 0;
  setHandler(onboardingStatusQuery, () => state);
  setHandler(eventBridgeInPlaceSignal, () => void (state.signalsReceived += 1));
  setHandler(credentialsUpdatedSignal, () => void (credentialUpdates += 1));

  const setStatus = async (status: OnboardingState['status'], detail: string | null = null) => {
    state.status = status;
    state.detail = detail;
    await platform.setIntegrationStatus({ integrationId, status, detail });
  };

  /** Runs an Okta step; if Okta rejects the token, waits for corrected credentials and tries again. */
  const withValidCredentials = async <T>(step: () => Promise<T>): Promise<T> => {
    for (;;) {
      const check = await okta.validateCredentials({ integrationId });
      if (!check.ok) {
        await setStatus('credentials_invalid', check.message);
        const seen = credentialUpdates;
        await condition(() => credentialUpdates > seen);
        await setStatus('validating_credentials');
        continue;
      }
      try {
        return await step();
      } catch (err) {
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === CREDENTIALS_REJECTED) {
          continue; // the token was revoked mid-way: the loop re-validates and waits if needed
        }
        throw err;
      }
    }
  };

  state.setup = await platform.logStreamSetupValues({ integrationId });

  if (input.resume?.phase !== 'awaiting_first_event') {
    await setStatus('validating_credentials');
    await withValidCredentials(async () => {
      await setStatus('syncing_directory');
      await okta.syncDirectory({ integrationId });
    });
    await platform.provisionQueue({ integrationId });
    await setStatus('awaiting_log_stream');

    // A signal sent early (while the directory was syncing) counts: `handled` starts at zero.
    let handled = 0;
    for (;;) {
      const signalled = await condition(() => state.signalsReceived > handled, input.reminderAfter ?? '3 days');
      if (!signalled) {
        state.remindersSent += 1;
        try {
          await platform.sendOnboardingReminder({ integrationId, reminderNumber: state.remindersSent });
        } catch (err) {
          // A reminder that cannot be delivered must not end the onboarding.
          log.warn('onboarding reminder not delivered', { integrationId, error: String(err) });
        }
        continue;
      }
      handled = state.signalsReceived;
      const stream = await withValidCredentials(() => okta.verifyLogStream({ integrationId }));
      if (!stream.ok) await setStatus('log_stream_misconfigured', stream.message);
      state.lastStreamCheck = stream;
      state.streamChecks += 1;
      if (stream.ok) break;
    }

    await platform.ensureSchedules({ integrationId });
    await setStatus('awaiting_first_event');
  }

  while (!(await platform.firstStreamedEvent({ integrationId }))) {
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof onboarding>({
        ...input,
        resume: { phase: 'awaiting_first_event', remindersSent: state.remindersSent, signalsReceived: state.signalsReceived, streamChecks: state.streamChecks },
      });
    }
    await sleep(input.firstEventPollInterval ?? '5 minutes');
  }
  await setStatus('streaming');
}
