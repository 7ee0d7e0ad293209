// postgres.js 3.4.9 as this project runs it: patched (patches/postgres+3.4.9.patch, applied by the postinstall) so a
// connection that closes mid-transaction does not crash the process (porsager/postgres#1208). Each case runs in a
// child node process against a fake PostgreSQL server on loopback, once through `import` (src/, what the worker
// loads) and once through `require` (cjs/): unpatched, the first case dies with "TypeError: Cannot read properties
// of null (reading 'write')" thrown from a setImmediate.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MARKER = 'oort-okta patch';

/**
 * The child's program. The fake server speaks what the cases need: trust authentication, simple queries, and
 * extended ones answered with no rows (the array types a new connection reads first). A query naming `die` is answered
 * as a fast shutdown answers (FATAL 57P01, then the server closes), one naming `reset` with a TCP reset; so is the
 * types query while `typesToKill` is positive. Prints one JSON line of results.
 */
const SCENARIOS = String.raw`
import net from 'node:net'
import { createRequire } from 'node:module'

const postgres = process.env.PG_LOAD === 'require'
  ? createRequire(process.cwd() + '/')('postgres')
  : (await import('postgres')).default

const received = []
let typesToKill = 0
const fatal = () => frame('E', Buffer.concat([...['SFATAL', 'VFATAL', 'C57P01', 'Mterminating connection due to administrator command'].map(cstr), Buffer.from([0])]))
const frame = (type, body) => {
  const b = Buffer.alloc(5 + body.length)
  b.write(type, 0, 'latin1')
  b.writeInt32BE(4 + body.length, 1)
  body.copy(b, 5)
  return b
}
const cstr = (s) => Buffer.from(s + '\0')
const server = net.createServer((sock) => {
  let buf = Buffer.alloc(0)
  let started = false
  let status = 'I'
  sock.on('error', () => {})
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d])
    for (;;) {
      if (!started) {
        if (buf.length < 4 || buf.length < buf.readInt32BE(0)) return
        buf = buf.subarray(buf.readInt32BE(0))
        started = true
        sock.write(Buffer.concat([frame('R', Buffer.alloc(4)), frame('Z', Buffer.from('I'))]))
        continue
      }
      if (buf.length < 5 || buf.length < buf.readInt32BE(1) + 1) return
      const type = String.fromCharCode(buf[0])
      const body = buf.subarray(5, buf.readInt32BE(1) + 1)
      buf = buf.subarray(buf.readInt32BE(1) + 1)
      if (type === 'X') return void sock.end()
      if (type === 'P' && body.includes('pg_type') && typesToKill > 0) {
        typesToKill--
        return void sock.end(fatal())
      }
      const extended = { P: [frame('1', Buffer.alloc(0))], D: [frame('t', Buffer.alloc(2)), frame('n', Buffer.alloc(0))], B: [frame('2', Buffer.alloc(0))], E: [frame('C', cstr('SELECT 0'))], S: [frame('Z', Buffer.from(status))] }[type]
      if (extended) sock.write(Buffer.concat(extended))
      if (type !== 'Q') continue
      const text = body.toString('utf8', 0, body.length - 1)
      received.push(text)
      if (text.includes('die')) return void sock.end(fatal())
      if (text.includes('reset')) return void sock.resetAndDestroy()
      const command = /^begin/i.test(text) ? 'BEGIN' : /^commit/i.test(text) ? 'COMMIT' : /^rollback/i.test(text) ? 'ROLLBACK' : 'SELECT 0'
      status = command === 'BEGIN' ? 'T' : command === 'SELECT 0' ? status : 'I'
      sock.write(Buffer.concat([frame('C', cstr(command)), frame('Z', Buffer.from(status))]))
    }
  })
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const { port } = server.address()
// max 1: every query reuses the connection that died.
const connect = () => postgres({ host: '127.0.0.1', port, user: 'u', database: 'd', max: 1, fetch_types: false, connect_timeout: 2, onnotice() {} })
const settle = (p) => p.then(() => 'ok', (e) => e.code || e.message)
const later = () => new Promise((r) => setTimeout(r, 50))
const results = {}

for (const kill of ['die', 'reset']) {
  {
    // The connection dies under a transaction's statement: postgres.js sends the ROLLBACK itself.
    const sql = connect()
    const tx = await settle(sql.begin((t) => t.unsafe('select ' + kill)))
    await later()
    results['begin/' + kill] = { tx, next: await settle(sql.unsafe('select next')) }
    await sql.end({ timeout: 1 })
  }
  {
    // The transaction goes on after the pool reconnected its connection for another query.
    const sql = connect()
    let resume
    const gate = new Promise((r) => (resume = r))
    const late = settle(sql.begin(async (t) => {
      await t.unsafe('select ' + kill).catch(() => {})
      await gate
      await t.unsafe('insert late_statement')
    }))
    await later()
    const other = await settle(sql.unsafe('select other'))
    resume()
    await later()
    results['late/' + kill] = { tx: await late, other, lateReachedServer: received.some((q) => q.includes('late_statement')) }
    await sql.end({ timeout: 1 })
  }
  {
    // A reserved connection dies; its holder queries it again, then releases it.
    const sql = connect()
    await sql.unsafe('select warm') // reserve() waits for an open connection
    const r = await sql.reserve()
    const first = await settle(r.unsafe('select ' + kill))
    await later()
    const again = await settle(r.unsafe('select again'))
    r.release()
    results['reserve/' + kill] = { first, again, next: await settle(sql.unsafe('select next')) }
    await sql.end({ timeout: 1 })
  }
}
{
  // A new connection's first query (the array types) is cut short: the waiting query fails, with no unhandled
  // rejection and no later failure from the dead backend's error; the next connection serves.
  const sql = postgres({ host: '127.0.0.1', port, user: 'u', database: 'd', max: 1, connect_timeout: 2, onnotice() {} })
  typesToKill = 1
  const first = await settle(sql.unsafe('select first'))
  await later()
  results.types = { first, next: await settle(sql.unsafe('select next')), typesToKill }
  await sql.end({ timeout: 1 })
}
server.close()
console.log(JSON.stringify(results))
`;

function runScenarios(load: 'import' | 'require'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module'], { cwd: ROOT, env: { ...process.env, PG_LOAD: load }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(SCENARIOS);
  });
}

describe('postgres.js as installed', () => {
  it('is the patched 3.4.9 in every build Node can load (src for import, cjs for require, cf)', () => {
    const require = createRequire(import.meta.url);
    const esmEntry = fileURLToPath(import.meta.resolve('postgres'));
    const cjsEntry = require.resolve('postgres');
    expect(esmEntry).toMatch(/postgres[\\/]src[\\/]index\.js$/);
    expect(cjsEntry).toMatch(/postgres[\\/]cjs[\\/]src[\\/]index\.js$/);
    const pkgRoot = dirname(dirname(esmEntry));
    expect(JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8')).version).toBe('3.4.9');
    for (const dir of [dirname(esmEntry), dirname(cjsEntry), join(pkgRoot, 'cf', 'src')]) {
      const connection = readFileSync(join(dir, 'connection.js'), 'utf8');
      const index = readFileSync(join(dir, 'index.js'), 'utf8');
      // connection.js: execute(), nextWrite(), closed() (3), the array types fetch; index.js: the transaction, the reservation.
      expect(connection.split(MARKER).length - 1, `${dir}/connection.js`).toBe(6);
      expect(index.split(MARKER).length - 1, `${dir}/index.js`).toBe(2);
    }
  });

  for (const load of ['import', 'require'] as const) {
    it(`survives connections closing under a transaction and a reservation (${load})`, async () => {
      const { code, stdout, stderr } = await runScenarios(load);
      expect(stderr, 'the child process crashed').not.toMatch(/TypeError|Cannot read properties of null/);
      expect(code, stderr).toBe(0);
      const results = JSON.parse(stdout.trim().split('\n').pop()!);
      for (const kill of ['die', 'reset']) {
        // The transaction fails with a catchable error, and the same connection serves the next query (a flush timer
        // surviving the close would stop every write on it: CONNECT_TIMEOUT forever).
        expect(results[`begin/${kill}`]).toEqual({ tx: 'CONNECTION_CLOSED', next: 'ok' });
        // What a dead transaction sends after its connection was reconnected for someone else is refused, never run
        // outside the transaction.
        expect(results[`late/${kill}`]).toEqual({ tx: 'CONNECTION_CLOSED', other: 'ok', lateReachedServer: false });
        // A dead reservation's queries fail; releasing it leaves the pool working.
        expect(results[`reserve/${kill}`]).toEqual({ first: kill === 'die' ? 'CONNECTION_CLOSED' : 'ECONNRESET', again: 'CONNECTION_CLOSED', next: 'ok' });
      }
      // Unpatched: an unhandled rejection (the process dies), else the query fails with the old backend's 57P01.
      expect(results.types).toEqual({ first: 'CONNECTION_CLOSED', next: 'ok', typesToKill: 0 });
    });
  }
});
