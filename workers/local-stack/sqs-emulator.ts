// The SQS emulator (fauxqs, AWS JSON protocol) for the local stack and the tests; production uses AWS SQS.
import { startFauxqs } from 'fauxqs';

export interface SqsEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startSqsEmulator(opts: { port?: number } = {}): Promise<SqsEmulator> {
  const server = await startFauxqs({ port: opts.port ?? 0, logger: false });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
