// Onboarding of one Okta integration, as the customer-facing setup guide describes it:
// validate the API token → sync the directory → read the last days of System Log (backfill) →
// create the integration's queue → wait for the "EventBridge in place" signal (reminding if it does
// not come) → verify the log stream through the Okta API → connect the partner event source to the queue on AWS
// (associate it, rule, queue policies, target) → create the Schedules → wait for the first
// streamed event → streaming. A tenant without Log Streaming (polling mode, chosen at creation or
// switched to while waiting) gets its Schedules right after the backfill and is polled hourly.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { credentialsUpdatedSignal, eventBridgeInPlaceSignal, ingestModeChangedSignal, onboardingStatusQuery } from '../temporal/shared/messages.js';
import { ACTIVITY_OPTIONS } from '../temporal/shared/activity-options.js';
import { proxyHeavyActivities } from './heavy-activities.js';
import { CREDENTIALS_REJECTED } from '../temporal/shared/failures.js';
import type { AwsStepResult, BackfillProgress, OnboardingInput, OnboardingState } from './types.js';

const okta = proxyActivities<Activities>(ACTIVITY_OPTIONS.okta);
const platform = proxyActivities<Activities>(ACTIVITY_OPTIONS.shortStep);
// The backfill reads up to 90 days of System Log, a page budget per call; each call resumes from the
// cursor its predecessor committed.
const systemLog = proxyHeavyActivities(ACTIVITY_OPTIONS.backfill);
const analyse = proxyHeavyActivities(ACTIVITY_OPTIONS.analysis);
const aws = proxyActivities<Activities>(ACTIVITY_OPTIONS.shortStep);

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
  let modeChanges = 0;
  setHandler(onboardingStatusQuery, () => state);
  setHandler(eventBridgeInPlaceSignal, () => void (state.signalsReceived += 1));
  setHandler(credentialsUpdatedSignal, () => void (credentialUpdates += 1));
  setHandler(ingestModeChangedSignal, () => void (modeChanges += 1));

  // The query shows a status only once the integration's row holds it: a reader of the query never finds the row
  // behind it (the row may be a step ahead for a moment). Updating the state after the activity issues the same
  // commands, so replay is unaffected.
  const setStatus = async (status: OnboardingState['status'], detail: string | null = null) => {
    await platform.setIntegrationStatus({ integrationId, status, detail });
    state.status = status;
    state.detail = detail;
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

  /** Reads the last days of System Log so baselines, Activity and the first detections have history. */
  const backfill = async () => {
    const { workflowId, runId } = workflowInfo();
    const progress: BackfillProgress = { since: null, ingestRunId: null, pages: 0, eventsRead: 0, eventsStored: 0, done: false };
    state.backfill = progress;
    const opened = await systemLog.openBackfill({ integrationId, workflowId, workflowRunId: runId });
    progress.since = opened.since;
    progress.ingestRunId = opened.ingestRunId;
    const run = { integrationId, ingestRunId: opened.ingestRunId };
    for (;;) {
      const read = await withValidCredentials(() => systemLog.readSystemLog(run));
      progress.pages += read.pages;
      progress.eventsRead += read.read;
      progress.eventsStored += read.stored;
      if (read.caughtUp) break;
    }
    await analyse.detectForRun(run);
    await analyse.notifyForRun(run);
    await platform.closeIngestRun({ ...run, status: 'completed' });
    progress.done = true;
  };

  /**
   * The AWS side: the partner event source Okta created when the customer saved the stream is associated with its
   * partner event bus, and a rule routes its events to the integration's queue (the queue policies first, so nothing
   * is refused, then the target). Until this is done AWS drops every event Okta sends.
   */
  const routeToQueue = async (): Promise<AwsStepResult> => {
    const found = await aws.findPartnerEventSource({ integrationId });
    const progress = (state.aws = found);
    if (found.problem) return { ok: false, problem: found.problem };
    if (found.setup === 'manual') {
      const check = await aws.checkAwsRoute({ integrationId });
      progress.problem = check.ok ? null : check.problem;
      return check;
    }
    const done = (step: (typeof progress.done)[number]) => void (progress.done.includes(step) || progress.done.push(step));
    const associated = await aws.associatePartnerEventSource({ integrationId });
    if (!associated.ok) {
      progress.problem = associated.problem;
      return associated;
    }
    progress.sourceState = 'ACTIVE';
    done('partnerEventBus');
    const { ruleArn } = await aws.putRoutingRule({ integrationId });
    done('rule');
    await aws.setQueuePolicies({ integrationId, ruleArn });
    done('queuePolicy');
    await aws.putQueueTarget({ integrationId });
    done('target');
    return { ok: true };
  };

  /** The tenant polls: its Schedules read the System Log API from the backfill's cursor on. */
  const finishAsPolling = async () => {
    await platform.ensureSchedules({ integrationId });
    await platform.backfillDailyActivity({ integrationId, since: state.backfill?.since ?? null });
    await platform.markIngestHealthy({ integrationId });
    state.status = 'polling';
    state.detail = null;
  };

  const newSteps = patched('backfill-and-polling');
  if (input.resume?.phase !== 'awaiting_first_event') {
    await setStatus('validating_credentials');
    await withValidCredentials(async () => {
      await setStatus('syncing_directory');
      await okta.syncDirectory({ integrationId });
    });
    if (newSteps) {
      await backfill();
      if ((await platform.ingestModeOf({ integrationId })) === 'polling') return finishAsPolling();
    }
    await platform.provisionQueue({ integrationId });
    await setStatus('awaiting_log_stream');

    // A signal sent early (while the directory was syncing) counts: `handled` starts at zero.
    const awsSide = patched('eventbridge-route');
    let handled = 0;
    let modeChangesSeen = 0;
    for (;;) {
      const signalled = await condition(() => state.signalsReceived > handled || modeChanges > modeChangesSeen, input.reminderAfter ?? '3 days');
      if (newSteps && modeChanges > modeChangesSeen) {
        modeChangesSeen = modeChanges;
        if ((await platform.ingestModeOf({ integrationId })) === 'polling') return finishAsPolling();
        continue;
      }
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
      if (!stream.ok) continue;
      if (awsSide) {
        const route = await routeToQueue();
        if (!route.ok) {
          await setStatus('log_stream_misconfigured', route.problem);
          continue;
        }
      }
      break;
    }

    await platform.ensureSchedules({ integrationId });
    if (newSteps) await platform.backfillDailyActivity({ integrationId, since: state.backfill?.since ?? null });
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
