// An SQS endpoint that accepts the connection and then never answers (a half-open connection, a hung proxy) must
// not hold a drain forever: the drain does not abort its receives (ingest/drain.ts), so the client's own socket
// timeout (lib/sqs.ts) ends the request, and the step fails and is retried like any other SQS error.
import { createServer, type Server, type Socket } from 'node:net';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../lib/sqs.js';

let server: Server;
const sockets = new Set<Socket>();
let endpoint: string;

beforeAll(async () => {
  // Reads every request and answers none.
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

describe('an SQS endpoint that never answers', () => {
  it('fails a receive with a timeout instead of waiting forever', async () => {
    // One attempt, so the test waits for one socket timeout rather than the SDK's three.
    process.env.AWS_MAX_ATTEMPTS = '1';
    const sqs = createSqsClient({ SQS_ENDPOINT: endpoint, AWS_REGION: 'us-east-2' });
    const started = Date.now();
    try {
      const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: `${endpoint}/000000000000/stalled`, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
      await expect(receive).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      sqs.destroy();
      delete process.env.AWS_MAX_ATTEMPTS;
    }
    const waited = Date.now() - started;
    // Above any SQS long poll (20 s at most), and not much more.
    expect(waited).toBeGreaterThan(20_000);
    expect(waited).toBeLessThan(45_000);
  }, 60_000);
});
