// The SQS emulator (fauxqs, AWS JSON protocol) for the local stack and the tests; production uses AWS SQS.
// It listens on 127.0.0.1 only, like every other server of the local stack. (fauxqs's own `startFauxqs`
// always binds 0.0.0.0 — its `host` option only names queue URLs — so the app is built and bound here.)
import { buildApp } from 'fauxqs';

export interface SqsEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

export const SQS_EMULATOR_HOST = '127.0.0.1';

export async function startSqsEmulator(opts: { port?: number } = {}): Promise<SqsEmulator> {
  const app = buildApp({ logger: false });
  await app.listen({ port: opts.port ?? 0, host: SQS_EMULATOR_HOST });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the SQS emulator has no TCP address');
  return { endpoint: `http://${SQS_EMULATOR_HOST}:${address.port}`, stop: async () => void (await app.close()) };
}
