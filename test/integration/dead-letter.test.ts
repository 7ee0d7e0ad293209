// The dead-letter queue on the real stack (SQS emulator through the AWS SDK, Temporal, PostgreSQL):
// messages reach an integration's DLQ (sent there, and one received 10 times without a delete), an
// hourly run reports the depth as a metric and warns, `dlq list` shows them without taking them,
// `integrations show` mentions them, `dlq redrive` moves them back, and the next hourly run stores
// them (the redelivered copy of an event already stored is a duplicate, a non-JSON body is quarantined).
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approximateDepth } from '../../aws/queues.js';
import { createIntegration } from '../../integrations/create.js';
import { getIntegration } from '../../integrations/repository.js';
import { generateOrg, publishEnvelopes, toEventBridgeEnvelopes, type OktaLogEvent } from '../../simulator/index.js';
import { recentTraffic } from '../support/traffic.js';
import { createWorld, type World } from '../support/world.js';
import { runHourly, streamingIntegration, type StreamingIntegration } from '../support/fixtures.js';
import { jsonOf, runAll, runCli } from '../support/cli.js';
import { parseExposition, value } from '../support/prometheus.js';
import type { DeadLetterListing, RedriveResult } from '../../ingest/dead-letter.js';

const SECRET = '00Dlq5ecretT0kenValue_abcdef';
const NOT_JSON = `Authorization: SSWS ${SECRET} (a body that is not JSON)`;
let world: World;

beforeAll(async () => {
  world = await createWorld({}, { metrics: true });
  await world.startWorker();
});

afterAll(async () => {
  await world?.close();
});

const cli = (args: string[]) => runCli(world.env, args);

async function scrapeDeadLetters(integrationId: string): Promise<number | undefined> {
  const samples = parseExposition(await (await fetch(world.worker!.metricsUrl!)).text());
  return value(samples, 'oort_okta_dead_letter_messages', { integration_id: integrationId });
}

async function storedEvents(integrationId: string): Promise<number> {
  const [{ n }] = await world.db.$client<{ n: number }[]>`select count(*)::int as n from events where integration_id = ${integrationId}`;
  return n;
}

describe('dead-letter queue', () => {
  let integration: StreamingIntegration;
  let dlqUrl: string;
  let events: OktaLogEvent[];
  /** 8 envelopes sent to the DLQ, a redelivery of an event the first run stores, a non-JSON body, one received 10 times. */
  const DEAD = 11;

  beforeAll(async () => {
    integration = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'umbrella', apiToken: 'ssws-unused-here' });
    dlqUrl = (await getIntegration(world.db, integration.integrationId)).deadLetterQueueUrl!;
    const now = Date.now();
    const org = generateOrg({ seed: 'dlq', users: 10, orgName: 'umbrella', logStream: false, asOf: new Date(now) });
    // Re-timed into the last day: the generator's own last day holds no event on a Sunday.
    events = recentTraffic(org, 'dlq', 14, 24 * 60, 10);
    expect(new Set(events.map((e) => e.uuid)).size).toBe(14);
    const envelopes = toEventBridgeEnvelopes(events, integration.destination, 'dlq');

    // One message the way SQS dead-letters: received maxReceiveCount (10) times without a delete.
    await world.sqs.send(new SendMessageCommand({ QueueUrl: integration.queueUrl, MessageBody: JSON.stringify(envelopes[13]) }));
    for (let i = 0; i < 15; i++) {
      const r = await world.sqs.send(new ReceiveMessageCommand({ QueueUrl: integration.queueUrl, VisibilityTimeout: 0, MaxNumberOfMessages: 1 }));
      if (!r.Messages?.length) break;
    }
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);

    const direct = await publishEnvelopes(world.sqs, dlqUrl, [...envelopes.slice(5, 13), envelopes[0], NOT_JSON]);
    expect(direct.failed).toEqual([]);
    expect(await approximateDepth(world.sqs, dlqUrl)).toBe(DEAD);

    const queued = await publishEnvelopes(world.sqs, integration.queueUrl, envelopes.slice(0, 5));
    expect(queued.failed).toEqual([]);
  });

  it('after an hourly run: the depth is a metric, and the run warns with the commands to use', async () => {
    const result = await runHourly(world, integration.integrationId);
    expect(result).toMatchObject({ stored: 5, duplicates: 0, quarantined: 0 });
    expect(await scrapeDeadLetters(integration.integrationId)).toBe(DEAD);
    const warnings = world.logLines.map((l) => JSON.parse(l)).filter((l) => l.integrationId === integration.integrationId && l.deadLetterMessages === DEAD);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0].level).toBe(40);
    expect(warnings[0].msg).toContain(`npx oort-okta dlq redrive ${integration.integrationId}`);
    // A warning, not a degradation: the status machine is not involved.
    expect((await getIntegration(world.db, integration.integrationId)).status).toBe('streaming');
  });

  it('`dlq list` shows the messages without removing or hiding them, secrets redacted', async () => {
    const id = integration.integrationId;
    const [all, three, human] = await runAll(world.env, [['dlq', 'list', id, '--json'], ['dlq', 'list', id, '--limit', '3', '--json'], ['dlq', 'list', id]]);
    const listing = jsonOf<DeadLetterListing>(all);
    expect(listing.depth).toBe(DEAD);
    expect(listing.messages).toHaveLength(DEAD);
    expect(new Set(listing.messages.map((m) => m.messageId)).size).toBe(DEAD);
    const uuids = listing.messages.map((m) => m.uuid).filter(Boolean).sort();
    expect(uuids).toEqual([...events.slice(5, 14).map((e) => e.uuid), events[0].uuid].sort());
    for (const m of listing.messages) {
      expect(m.sentAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(m.receiveCount).toBeGreaterThanOrEqual(1);
      expect(m.bodyBytes).toBeGreaterThan(0);
      expect(m.preview.length).toBeLessThanOrEqual(160);
    }
    // The one dead-lettered by SQS keeps its receives (10 by the test, 1 more moved it, plus listings).
    expect(listing.messages.find((m) => m.uuid === events[13].uuid)!.receiveCount).toBeGreaterThanOrEqual(11);
    const notJson = listing.messages.find((m) => m.uuid === null)!;
    expect(notJson.bodyBytes).toBe(Buffer.byteLength(NOT_JSON));
    expect(notJson.preview).toContain('Authorization: SSWS [redacted]');
    expect(all.stdout).not.toContain(SECRET);
    expect(human.stdout).not.toContain(SECRET);

    expect(jsonOf<DeadLetterListing>(three).messages).toHaveLength(3);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${DEAD} messages in the dead-letter queue of ${id}`);
    expect(human.stdout).toContain(events[13].eventType);
    expect(human.stdout).toContain(`npx oort-okta dlq redrive ${id}`);

    expect(await approximateDepth(world.sqs, dlqUrl)).toBe(DEAD);
    // Still visible: a receive right after the listing gets them.
    const r = await world.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect(r.Messages?.length).toBeGreaterThan(0);
  });

  it('`integrations show` mentions the dead letters and the commands, in text and JSON', async () => {
    const id = integration.integrationId;
    const [text, json] = await runAll(world.env, [['integrations', 'show', id], ['integrations', 'show', id, '--json']]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  dead-letter queue: ${dlqUrl}, ${DEAD} messages`);
    expect(text.stdout).toContain(`warning: ${DEAD} messages are in the dead-letter queue`);
    expect(text.stdout).toContain(`\`npx oort-okta dlq list ${id}\``);
    const shown = jsonOf<{ deadLetter: { queueUrl: string; messages: number; warning: string } }>(json);
    expect(shown.deadLetter).toMatchObject({ queueUrl: dlqUrl, messages: DEAD });
    expect(shown.deadLetter.warning).toContain(`npx oort-okta dlq redrive ${id}`);
  });

  it('`dlq redrive` moves them to the queue, and the next hourly run stores them', async () => {
    const id = integration.integrationId;
    const redriven = await cli(['dlq', 'redrive', id, '--json']);
    const r = jsonOf<RedriveResult>(redriven);
    expect(r).toEqual({ integrationId: id, moved: DEAD, failed: [], remaining: 0, stoppedBy: 'empty' });
    expect(await approximateDepth(world.sqs, dlqUrl)).toBe(0);
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(DEAD);

    const result = await runHourly(world, id);
    // 9 events new, one redelivery of an event the first run stored, the non-JSON body quarantined.
    expect(result).toMatchObject({ stored: 9, duplicates: 1, quarantined: 1 });
    expect(await storedEvents(id)).toBe(14);
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);
    expect(await scrapeDeadLetters(id)).toBe(0);

    const [again, shown] = await runAll(world.env, [['dlq', 'redrive', id], ['integrations', 'show', id]]);
    expect([again.code, again.stdout]).toEqual([0, `Nothing to redrive: the dead-letter queue of ${id} is empty.\n`]);
    expect(shown.stdout).toContain(`dead-letter queue: ${dlqUrl}, 0 messages`);
    expect(shown.stdout).not.toContain('warning:');
  });

  it('redrives only to the queue whose dead-letter queue it is, and stops at --limit', async () => {
    const other = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'umbrella', apiToken: 'ssws-unused-here' });
    const otherDlq = (await getIntegration(world.db, other.integrationId)).deadLetterQueueUrl!;
    await publishEnvelopes(world.sqs, otherDlq, ['{"a":1}', '{"a":2}', '{"a":3}']);
    // A row pointing at another integration's DLQ is refused, and nothing moves.
    await world.db.$client`update integrations set dead_letter_queue_url = ${otherDlq} where id = ${integration.integrationId}`;
    try {
      const refused = await cli(['dlq', 'redrive', integration.integrationId]);
      expect(refused.code).toBe(1);
      expect(refused.stderr.startsWith(`error: ${otherDlq} is not the dead-letter queue of ${integration.queueUrl} (its redrive policy names `)).toBe(true);
      expect(refused.stderr.endsWith('); nothing was moved\n')).toBe(true);
    } finally {
      await world.db.$client`update integrations set dead_letter_queue_url = ${dlqUrl} where id = ${integration.integrationId}`;
    }
    expect(await approximateDepth(world.sqs, otherDlq)).toBe(3);
    expect(await approximateDepth(world.sqs, integration.queueUrl)).toBe(0);

    const limited = await cli(['dlq', 'redrive', other.integrationId, '--limit', '2']);
    expect(limited.code).toBe(0);
    expect(limited.stdout).toContain(`Moved 2 messages from the dead-letter queue of ${other.integrationId} back to its queue`);
    expect(limited.stdout).toContain('1 message still in the dead-letter queue (--limit 2 reached; run it again).');
    expect(await approximateDepth(world.sqs, other.queueUrl)).toBe(2);
  });

  it('says what is wrong as one error line: unknown integration, no queue', async () => {
    const { integrationId: polling } = await createIntegration(world.db, world.secretKey, {
      tenantId: 'umbrella',
      name: 'Umbrella polling',
      oktaDomain: 'umbrella.okta.com',
      apiToken: 'ssws-unused-here',
      awsAccountId: world.config.awsAccountId,
      ingestMode: 'polling',
    });
    const [unknown, noQueue, badLimit] = await runAll(world.env, [
      ['dlq', 'list', 'no-such-integration'],
      ['dlq', 'redrive', polling],
      ['dlq', 'list', polling, '--limit', '0'],
    ]);
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([3, '', 'error: no integration no-such-integration; list them with `npx oort-okta integrations list`\n']);
    expect([noQueue.code, noQueue.stdout]).toEqual([1, '']);
    expect(noQueue.stderr).toMatch(new RegExp(`^error: integration ${polling} has no SQS queue \\(polling mode, status \\w+\\), so no dead-letter queue; see \`npx oort-okta integrations show ${polling}\`\\n$`));
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain("error: option '--limit <n>' argument '0' is invalid. expected a whole number ≥ 1.");
  });

  it('has --help for both commands', async () => {
    const [list, redrive] = await runAll({}, [['dlq', 'list', '--help'], ['dlq', 'redrive', '--help']]);
    expect(list.stdout).toContain('Usage: oort-okta dlq list [options] <integrationId>');
    expect(list.stdout.replace(/\s+/g, ' ')).toContain('Listing does not remove or hide them');
    expect(redrive.stdout).toContain('Usage: oort-okta dlq redrive [options] <integrationId>');
    for (const r of [list, redrive]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--limit <n>');
      expect(r.stdout).toContain('--json');
    }
  });
});
