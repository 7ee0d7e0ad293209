// Deleting an integration with all of its data: its Schedules and running workflows, its AWS route (the queue
// target, the rule and the partner event bus, which puts Okta's source back to PENDING), its SQS queues, and every
// row that carries its id. `planDeletion` says what would go (the CLI shows it before asking
// for confirmation); `deleteIntegrationWithData` does it, reporting progress. The tenant row stays:
// other integrations may belong to it.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand, GetQueueUrlCommand, QueueDoesNotExist, type SQSClient } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import type { Database } from '../schema/db.js';
import { queueNames } from '../aws/queues.js';
import { ownRouteResources, removeRoute, type RouteNames } from '../aws/eventbridge.js';
import { partnerSourceName, routingRuleName } from '../aws/routing.js';
import { getIntegration, setIntegrationStatus } from '../integrations/repository.js';
import { countRunningWorkflows } from '../temporal/client.js';
import { deleteSchedules, existingSchedules } from '../temporal/schedules.js';

export interface DeletionPlan {
  integrationId: string;
  tenantId: string;
  name: string;
  status: string;
  /** Rows per table that would be deleted (tables that reference the integration, and notifications). */
  rows: Record<string, number>;
  queues: string[];
  /** The EventBridge resources of the integration's route (only those it created). */
  eventBridge: string[];
  schedules: string[];
  runningWorkflows: number;
}

export interface DeletionReport extends DeletionPlan {
  deleted: true;
  workflowsTerminated: number;
}

/**
 * Tables whose rows belong to one integration: every table with a foreign key to integrations, and the detection
 * backlog, which has none (schema/tables.ts `detectionBacklog`: a trigger deletes its rows with the integration's).
 */
async function integrationTables(db: Database): Promise<Array<{ table: string; column: string }>> {
  const rows = await db.$client<{ table: string; column: string }[]>`
    select c.conrelid::regclass::text as table, a.attname as column
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.confrelid = 'integrations'::regclass
    union
    select 'detection_backlog', 'integration_id'
    order by 1`;
  return rows;
}

async function existingQueues(sqs: SQSClient, queuePrefix: string, row: { id: string; queueUrl: string | null; deadLetterQueueUrl: string | null }) {
  const urls = new Set<string>([row.queueUrl, row.deadLetterQueueUrl].filter((u): u is string => Boolean(u)));
  // By name too: an onboarding stopped between creating the queues and recording them leaves them unrecorded.
  const names = queueNames(queuePrefix, row.id);
  for (const name of [names.queue, names.deadLetter]) {
    try {
      const res = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      if (res.QueueUrl) urls.add(res.QueueUrl);
    } catch (err) {
      if (!(err instanceof QueueDoesNotExist)) throw err;
    }
  }
  return [...urls];
}

/** The AWS clients a deletion uses, and the product's queue prefix. */
export interface AwsAccess {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  queuePrefix: string;
}

function routeNames(queuePrefix: string, row: { id: string; oktaOrg: string; eventSourceName: string }): RouteNames {
  return { integrationId: row.id, sourceName: partnerSourceName(row.oktaOrg, row.eventSourceName), ruleName: routingRuleName(queuePrefix, row.id) };
}

export async function planDeletion(
  client: Client,
  db: Database,
  { sqs, eventBridge, queuePrefix }: AwsAccess,
  integrationId: string,
): Promise<DeletionPlan> {
  const row = await getIntegration(db, integrationId);
  const sql = db.$client;
  const rows: Record<string, number> = {};
  for (const { table, column } of await integrationTables(db)) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)} where ${sql(column)} = ${integrationId}`;
    rows[table] = n;
  }
  const [{ n: notificationRows }] = await sql<{ n: number }[]>`
    select count(*)::int as n from notifications n join detections d on d.id = n.detection_id where d.integration_id = ${integrationId}`;
  rows.notifications = notificationRows;

  const schedules = await existingSchedules(client, integrationId);
  const runningWorkflows = await countRunningWorkflows(client, integrationId);
  return {
    integrationId,
    tenantId: row.tenantId,
    name: row.name,
    status: row.status,
    rows,
    queues: await existingQueues(sqs, queuePrefix, row),
    eventBridge: await ownRouteResources(eventBridge, routeNames(queuePrefix, row)),
    schedules,
    runningWorkflows,
  };
}

/** Rows are deleted in chunks so a large integration shows progress and no statement holds locks for long. */
const CHUNK = 10_000;

export async function deleteIntegrationWithData(
  client: Client,
  db: Database,
  aws: AwsAccess,
  integrationId: string,
  onProgress: (line: string) => void = () => {},
): Promise<DeletionReport> {
  const plan = await planDeletion(client, db, aws, integrationId);
  const row = await getIntegration(db, integrationId);
  // Marked removed first: a deletion interrupted half-way leaves a removed integration, and running the
  // command again finishes it.
  await setIntegrationStatus(db, integrationId, 'removed', 'being deleted with its data by an operator');

  onProgress(`stopping ${plan.schedules.length} Schedules and ${plan.runningWorkflows} running workflows`);
  const stopped = await deleteSchedules(client, integrationId);

  // The route before the queues: EventBridge must not be left delivering to a queue that is gone.
  for (const removed of await removeRoute(aws.eventBridge, routeNames(aws.queuePrefix, row))) onProgress(`removed ${removed}`);
  for (const url of plan.queues) {
    onProgress(`deleting queue ${url}`);
    try {
      await aws.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    } catch (err) {
      if (!(err instanceof QueueDoesNotExist)) throw err;
    }
  }

  const sql = db.$client;
  for (const { table, column } of await integrationTables(db)) {
    const total = plan.rows[table] ?? 0;
    if (total === 0) continue;
    let done = 0;
    for (;;) {
      const res = await sql`
        delete from ${sql(table)} where ctid = any(array(select ctid from ${sql(table)} where ${sql(column)} = ${integrationId} limit ${CHUNK}))`;
      if (res.count === 0) break;
      done += res.count;
      onProgress(`${table}: ${done}/${total} rows deleted`);
    }
  }
  // Whatever a still-running activity wrote meanwhile goes with the row (every reference cascades, and the backlog's
  // rows go by its trigger).
  await sql`delete from integrations where id = ${integrationId}`;
  onProgress(`integration ${integrationId} deleted`);
  return { ...plan, deleted: true, workflowsTerminated: stopped.workflows };
}
