// Free loopback ports for the services the project starts itself (the local stack, the Temporal runtime's metrics
// exporter, the tests' throwaway servers).
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/** Ports handed out by `freeLoopbackPort`: below the kernel's ephemeral range (Linux 32768–60999; other systems start higher). */
const PORT_FLOOR = 10_000;
const PORT_SPAN = 22_000;

/**
 * A loopback port nothing listens on now. Taken below the ephemeral range: a port the kernel chose (`listen(0)`) is an
 * ephemeral one, which another process's outgoing connection may take before the caller listens on it (the tests saw
 * `EADDRINUSE` when `npm start` then started its embedded PostgreSQL there).
 */
export async function freeLoopbackPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenedOn(PORT_FLOOR + randomInt(PORT_SPAN));
    if (port !== undefined) return port;
  }
  const any = await listenedOn(0);
  if (any === undefined) throw new Error('no free loopback port');
  return any;
}

/** The port a loopback listener got on `port` (0: any), closed again; undefined when it could not listen. */
function listenedOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      srv.close(() => resolve(got));
    });
  });
}
