// The local EventBridge: an HTTP server speaking EventBridge's JSON protocol (awsJson1_1: `POST /`,
// `X-Amz-Target: AWSEvents.<Operation>`, JSON in and out), so the real @aws-sdk/client-eventbridge
// talks to it with nothing but `endpoint` changed. It listens on loopback unless told otherwise (the
// container sets 0.0.0.0). Besides the AWS operations it serves, for tests and the demo:
//   GET  /_emulator/stats[?settle=1]  the counters (settle: after in-flight deliveries finish)
//   POST /_emulator/reset             forget every source, bus, rule and counter
//   GET  /_emulator/health            200 when up (the container's health check)
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeliverer } from './delivery.js';
import { ApiError } from './errors.js';
import { isObject, type Input } from './input.js';
import { createState, resetState, type State } from './model.js';
import { putPartnerEvents } from './partner-events.js';
import {
  deleteRule, describeRuleOperation, listRules, listTagsForResource, listTargetsByRule, putRule, putTargets, removeTargets,
  tagResource, testEventPattern, untagResource,
} from './rules.js';
import {
  createEventBus, createPartnerEventSource, deleteEventBus, deletePartnerEventSource, describeEventBus, describeEventSource,
  listEventBuses, listEventSources,
} from './sources.js';
import { Counters, type EmulatorStats } from './stats.js';

export interface EventBridgeEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the targets' SQS queues are (the SQS emulator). */
  sqsEndpoint: string;
  /** Default us-east-2. */
  region?: string;
  /** The customer account, default 000000000000 (the SQS emulator's account). */
  account?: string;
  /** Immediate delivery retries at most (default 2). */
  maxRetries?: number;
}

export interface EventBridgeEmulator {
  /** http://host:port, for `new EventBridgeClient({ endpoint })`. */
  endpoint: string;
  port: number;
  region: string;
  account: string;
  stats(): EmulatorStats;
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

type Operation = (state: State, input: Input) => unknown;

const OPERATIONS: Record<string, Operation> = {
  CreatePartnerEventSource: createPartnerEventSource,
  DeletePartnerEventSource: deletePartnerEventSource,
  ListEventSources: listEventSources,
  DescribeEventSource: describeEventSource,
  CreateEventBus: createEventBus,
  DescribeEventBus: describeEventBus,
  DeleteEventBus: deleteEventBus,
  ListEventBuses: listEventBuses,
  PutRule: putRule,
  DescribeRule: describeRuleOperation,
  DeleteRule: deleteRule,
  ListRules: listRules,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  TestEventPattern: testEventPattern,
};

export const SUPPORTED_OPERATIONS = [...Object.keys(OPERATIONS), 'PutPartnerEvents'].sort();

const MAX_BODY_BYTES = 1024 * 1024;

export async function startEventBridgeEmulator(options: EventBridgeEmulatorOptions): Promise<EventBridgeEmulator> {
  const region = options.region ?? 'us-east-2';
  const account = options.account ?? '000000000000';
  const state = createState({ region, account });
  const counters = new Counters();
  const deliverer = createDeliverer({ sqsEndpoint: options.sqsEndpoint, account, counters, maxRetries: options.maxRetries });
  const stats = () => counters.snapshot(deliverer.pending());
  const reset = async () => {
    await deliverer.idle();
    resetState(state);
    counters.reset();
  };

  function call(operation: string, input: Input): unknown {
    if (operation === 'PutPartnerEvents') {
      const { response, routed } = putPartnerEvents(state, counters, input);
      deliverer.deliver(routed);
      return response;
    }
    const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    if (!handler) throw new ApiError('UnknownOperationException', `Operation ${operation} is not supported by the EventBridge emulator.`);
    return handler(state, input);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith('/_emulator/')) {
      if (req.method === 'GET' && url.pathname === '/_emulator/stats') {
        if (url.searchParams.has('settle')) await deliverer.idle();
        return reply(res, 200, stats(), 'application/json');
      }
      if (req.method === 'POST' && url.pathname === '/_emulator/reset') {
        await reset();
        return reply(res, 200, {}, 'application/json');
      }
      if (req.method === 'GET' && url.pathname === '/_emulator/health') return reply(res, 200, { ok: true }, 'application/json');
      return reply(res, 404, { message: 'not found' }, 'application/json');
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      if (req.method !== 'POST' || url.pathname !== '/' || !target.startsWith('AWSEvents.')) {
        throw new ApiError('UnknownOperationException', 'Expected POST / with X-Amz-Target: AWSEvents.<Operation>.');
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
        throw new ApiError('SerializationException', 'Content-Type must be application/x-amz-json-1.1.');
      }
      const text = await readBody(req);
      let input: unknown;
      try {
        input = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        throw new ApiError('SerializationException', 'The request body is not JSON.');
      }
      if (!isObject(input)) throw new ApiError('SerializationException', 'The request body must be a JSON object.');
      reply(res, 200, call(target.slice('AWSEvents.'.length), input));
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('InternalException', 'Internal error in the EventBridge emulator.');
      if (!(err instanceof ApiError)) console.error('EventBridge emulator:', err);
      reply(res, error.status, error.body());
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('EventBridge emulator:', err);
      if (!res.headersSent) reply(res, 500, new ApiError('InternalException', 'Internal error').body());
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    endpoint: `http://${shownHost}:${port}`,
    port,
    region,
    account,
    stats,
    idle: () => deliverer.idle(),
    reset,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deliverer.close();
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown, contentType = 'application/x-amz-json-1.1'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is read to its end and discarded, so that the error still reaches the client.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new ApiError('SerializationException', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
