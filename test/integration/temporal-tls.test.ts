// Temporal behind mutual TLS: the dev server speaks plain gRPC, so the test puts a TLS terminator on
// loopback in front of it that demands a client certificate signed by the test's own CA (made with
// openssl). The worker process and the CLI reach Temporal through it with TEMPORAL_TLS_* settings; a
// client without a certificate is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../support/world.js';
import { runCli } from '../support/cli.js';
import { streamingIntegration } from '../support/fixtures.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

let world: World;
let dir: string;
let terminator: Server;
let address: string;
let worker: WorkerProcess | undefined;
const open = new Set<Socket>();

function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  world = await createWorld();
  dir = mkdtempSync(join(tmpdir(), 'oort-tls-'));
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=oort test CA');
  for (const name of ['server', 'client']) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : 'oort-worker'}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', 'san.cnf');
  }
  const [host, port] = world.config.TEMPORAL_ADDRESS.split(':');
  terminator = createServer(
    {
      key: readFileSync(join(dir, 'server.key')),
      cert: readFileSync(join(dir, 'server.pem')),
      ca: readFileSync(join(dir, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (secure) => {
      const upstream = netConnect(Number(port), host);
      open.add(secure).add(upstream);
      const end = () => {
        secure.destroy();
        upstream.destroy();
      };
      secure.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      secure.pipe(upstream).pipe(secure);
    },
  );
  terminator.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => terminator.listen(0, '127.0.0.1', resolve));
  const addr = terminator.address();
  address = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await worker?.kill();
  for (const s of open) s.destroy();
  await new Promise<void>((resolve) => terminator?.close(() => resolve()));
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tlsEnv = () => ({
  TEMPORAL_ADDRESS: address,
  TEMPORAL_TLS_CERT_FILE: join(dir, 'client.pem'),
  TEMPORAL_TLS_KEY_FILE: join(dir, 'client.key'),
  TEMPORAL_TLS_CA_FILE: join(dir, 'ca.pem'),
  TEMPORAL_TLS_SERVER_NAME: 'localhost',
});

describe('Temporal behind mutual TLS', () => {
  it('refuses a client without a certificate', async () => {
    await expect(
      Connection.connect({ address, tls: { serverRootCACertificate: readFileSync(join(dir, 'ca.pem')), serverNameOverride: 'localhost' }, connectTimeout: 3000 })
        .then((c) => c.workflowService.getSystemInfo({})),
    ).rejects.toThrow();
  });

  it('the worker starts over it with the client certificate, and the CLI and a client connect', async () => {
    worker = await startWorkerProcess({ ...world.env, ...tlsEnv() });
    expect(worker.output.join('\n')).toMatch(/mutual TLS \(client certificate\) \+ own CA/);
    const { integrationId } = await streamingIntegration(world, { oktaDomain: 'http://127.0.0.1:9', oktaOrg: 'tls', apiToken: 'unused' });
    // `schedules list` asks Temporal for the integration's Schedules: through the terminator only with the certificate.
    const withCert = await runCli({ ...world.env, ...tlsEnv() }, ['schedules', 'list', integrationId]);
    expect(withCert.stderr).not.toMatch(/Cannot reach Temporal/);
    const plain = await runCli({ ...world.env, TEMPORAL_ADDRESS: address }, ['schedules', 'list', integrationId]);
    expect(plain.stderr).toMatch(/Cannot reach Temporal/);

    const client = await Connection.connect({
      address,
      tls: {
        serverRootCACertificate: readFileSync(join(dir, 'ca.pem')),
        serverNameOverride: 'localhost',
        clientCertPair: { crt: readFileSync(join(dir, 'client.pem')), key: readFileSync(join(dir, 'client.key')) },
      },
    });
    const info = await client.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
    await client.close();
  });
});
