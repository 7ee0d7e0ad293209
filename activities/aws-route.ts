// The AWS side of onboarding, one idempotent activity per step: find the partner event source Okta created,
// associate it (its partner event bus), put the rule, the queue policies and the queue target. Each step records
// itself in `integrations.aws_route`, so `integrations show` says how far the route is; a step repeated after a crash
// finds its own work and goes on. With AWS_SETUP=manual an operator builds the route (deploy/aws/) and onboarding only
// checks it.
import { associateSource, inspectRoute, partnerSourceState, putQueueTarget, putRoutingRule, setQueuePolicies, similarSources, type RouteSpec } from '../aws/eventbridge.js';
import { partnerSourceName, routingRuleName } from '../aws/routing.js';
import { getIntegration, recordAwsRoute, type IntegrationRow } from '../integrations/repository.js';
import { OORT_AWS_REGION_LABEL } from '../lib/config.js';
import type { AwsRoute } from '../schema/tables.js';
import type { AwsRouteProgress, AwsRouteStep, AwsStepResult, IntegrationRef } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';

export function routeSpecOf(row: IntegrationRow, queuePrefix: string): RouteSpec {
  if (!row.queueUrl || !row.deadLetterQueueUrl) throw new Error(`Integration ${row.id} has no queue yet; onboarding creates it first.`);
  return {
    integrationId: row.id,
    oktaOrg: row.oktaOrg,
    eventSourceName: row.eventSourceName,
    sourceName: partnerSourceName(row.oktaOrg, row.eventSourceName),
    ruleName: routingRuleName(queuePrefix, row.id),
    queueUrl: row.queueUrl,
    deadLetterQueueUrl: row.deadLetterQueueUrl,
  };
}

/** What to tell the customer when Okta's source is not where the integration expects it. */
export function describeMissingSource(row: IntegrationRow, sourceName: string, similar: string[]): string {
  const seen = similar.length > 0 ? ` Okta sources in the account that look related: ${similar.join(', ')}.` : ' No Okta source of this org is in the account.';
  return (
    `Okta has not created the partner event source ${sourceName} in AWS account ${row.awsAccountId} (${OORT_AWS_REGION_LABEL}).` +
    seen +
    ` In Okta (Reports → Log Streaming) the AWS EventBridge stream must have the event source name "${row.eventSourceName}", ` +
    `the AWS account ID ${row.awsAccountId} and the region ${OORT_AWS_REGION_LABEL}; correct it, save, and signal again.`
  );
}

/** Inspects the whole route and records what it found (onboarding with AWS_SETUP=manual, and the daily check). */
export async function checkRoute(deps: ActivityDeps, row: IntegrationRow): Promise<AwsStepResult> {
  const spec = routeSpecOf(row, deps.config.SQS_QUEUE_PREFIX);
  const problems = await inspectRoute(deps.eventBridge, deps.sqs, spec, { ownBusOnly: deps.config.AWS_SETUP === 'workflow' });
  const sourceState = await partnerSourceState(deps.eventBridge, spec.sourceName);
  await recordAwsRoute(deps.db, row.id, {
    setup: deps.config.AWS_SETUP,
    source: spec.sourceName,
    sourceState,
    steps: row.awsRoute?.steps ?? {},
    ...(row.awsRoute?.ruleArn ? { ruleArn: row.awsRoute.ruleArn } : {}),
    checkedAt: (deps.now?.() ?? new Date()).toISOString(),
    problems,
  });
  return problems.length === 0 ? { ok: true } : { ok: false, problem: `The AWS route of the log stream is broken: ${problems.join('; ')}.` };
}

export function awsRouteActivities(deps: ActivityDeps) {
  const now = () => (deps.now?.() ?? new Date()).toISOString();
  const specOf = async (integrationId: string) => {
    const row = await getIntegration(deps.db, integrationId);
    return { row, spec: routeSpecOf(row, deps.config.SQS_QUEUE_PREFIX) };
  };
  /** Records one step as done (or a problem) on top of what is recorded. */
  const record = async (row: IntegrationRow, spec: RouteSpec, patch: Partial<AwsRoute> & { step?: AwsRouteStep }): Promise<void> => {
    const previous = row.awsRoute;
    const { step, ...rest } = patch;
    await recordAwsRoute(deps.db, row.id, {
      setup: deps.config.AWS_SETUP,
      source: spec.sourceName,
      sourceState: previous?.sourceState ?? 'absent',
      steps: { ...(previous?.steps ?? {}), ...(step ? { [step]: now() } : {}) },
      ...(previous?.ruleArn ? { ruleArn: previous.ruleArn } : {}),
      checkedAt: now(),
      problems: [],
      ...rest,
    });
  };

  return {
    /** Finds the partner event source Okta created when the customer saved the log stream, and its state. */
    async findPartnerEventSource({ integrationId }: IntegrationRef): Promise<AwsRouteProgress> {
      const { row, spec } = await specOf(integrationId);
      const sourceState = await partnerSourceState(deps.eventBridge, spec.sourceName);
      let problem: string | null = null;
      if (sourceState === 'absent') problem = describeMissingSource(row, spec.sourceName, await similarSources(deps.eventBridge, spec));
      if (sourceState === 'DELETED') problem = `The partner event source ${spec.sourceName} was deleted (the Okta log stream was removed). Ask the customer to save the log stream in Okta again, then signal again.`;
      await record(row, spec, { sourceState, problems: problem ? [problem] : [] });
      const done = (Object.keys(row.awsRoute?.steps ?? {}) as AwsRouteStep[]);
      return { setup: deps.config.AWS_SETUP, source: spec.sourceName, sourceState, done, problem };
    },

    /** Associates a PENDING source with a partner event bus; a source associated by someone else is reported. */
    async associatePartnerEventSource({ integrationId }: IntegrationRef): Promise<AwsStepResult> {
      const { row, spec } = await specOf(integrationId);
      const association = await associateSource(deps.eventBridge, spec);
      if (!association.ok) {
        const problem =
          `The partner event source ${spec.sourceName} is already associated with an event bus that this integration did not create` +
          (association.busOwner ? ` (it belongs to ${association.busOwner})` : '') +
          '. Delete that partner event bus in EventBridge (or its CloudFormation stack), or set AWS_SETUP=manual if an operator manages this route, then signal again.';
        await record(row, spec, { sourceState: 'ACTIVE', problems: [problem] });
        return { ok: false, problem };
      }
      await record(row, spec, { sourceState: 'ACTIVE', step: 'partnerEventBus' });
      return { ok: true };
    },

    async putRoutingRule({ integrationId }: IntegrationRef): Promise<{ ruleArn: string }> {
      const { row, spec } = await specOf(integrationId);
      const ruleArn = await putRoutingRule(deps.eventBridge, spec);
      await record(row, spec, { ruleArn, step: 'rule' });
      return { ruleArn };
    },

    async setQueuePolicies({ integrationId, ruleArn }: IntegrationRef & { ruleArn: string }): Promise<void> {
      const { row, spec } = await specOf(integrationId);
      await setQueuePolicies(deps.sqs, spec, ruleArn);
      await record(row, spec, { step: 'queuePolicy' });
    },

    async putQueueTarget({ integrationId }: IntegrationRef): Promise<void> {
      const { row, spec } = await specOf(integrationId);
      await putQueueTarget(deps.eventBridge, deps.sqs, spec);
      await record(row, spec, { step: 'target' });
    },

    /** The whole route as it is now (onboarding with AWS_SETUP=manual). */
    async checkAwsRoute({ integrationId }: IntegrationRef): Promise<AwsStepResult> {
      return checkRoute(deps, await getIntegration(deps.db, integrationId));
    },
  };
}
