// The simulator as a hostile org: what a compromised or impersonated Okta endpoint could answer to
// make the worker send its token elsewhere, exhaust its memory, hang it, or echo secrets into logs
// and workflow histories. Each behaviour applies to the next `times` authenticated API requests
// (default: all of them) and is counted, so a test can make the org hostile for a while, then sane.
import type { ServerResponse } from 'node:http';

export type HostileBehaviour =
  /** 302 to this URL (another origin, e.g. a loopback listener that counts what reaches it). */
  | { kind: 'redirect'; location: string }
  /** A normal page whose `Link: next` points at another origin. */
  | { kind: 'foreign-next'; origin: string }
  /** 200 with a JSON array padded to this many bytes. */
  | { kind: 'huge-body'; bytes: number }
  /** 200 headers, then one byte every `everyMs`, never ending. */
  | { kind: 'slow-body'; everyMs: number }
  /** An error answer (e.g. 400) whose body carries `secret`: in the error causes and extra fields of Okta's JSON, or in a non-JSON page. */
  | { kind: 'secret-error'; status: number; secret: string; json: boolean };

export interface HostileMode {
  behaviour: HostileBehaviour;
  /** How many authenticated API requests it answers; the rest are answered normally. Default: all. */
  times?: number;
}

export class HostileOrg {
  private mode: HostileMode | null = null;
  private left = Infinity;
  /** Requests answered with the hostile behaviour so far. */
  answered = 0;

  set(mode: HostileMode | null): void {
    this.mode = mode;
    this.left = mode?.times ?? Infinity;
    this.answered = 0;
  }

  /** The behaviour for this request, if the org is (still) hostile. */
  take(): HostileBehaviour | undefined {
    if (!this.mode || this.left <= 0) return undefined;
    this.left -= 1;
    this.answered += 1;
    return this.mode.behaviour;
  }
}

/** Answers with a body-level behaviour; returns false for `foreign-next`, which the normal route answers. */
export function answerHostile(b: HostileBehaviour, res: ServerResponse): boolean {
  switch (b.kind) {
    case 'redirect':
      res.writeHead(302, { location: b.location });
      res.end();
      return true;
    case 'huge-body': {
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 1;
      res.write('[');
      const more = (): void => {
        while (sent < b.bytes - 1) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
        res.end(']');
      };
      res.on('close', () => res.removeAllListeners('drain'));
      more();
      return true;
    }
    case 'slow-body': {
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      res.write('[');
      const drip = setInterval(() => res.write(' '), b.everyMs);
      res.on('close', () => clearInterval(drip));
      return true;
    }
    case 'secret-error':
      if (b.json) {
        res.writeHead(b.status, { 'content-type': 'application/json;charset=UTF-8' });
        // Okta's summary is kept by the product (status, code, summary): the secret rides in the other fields.
        res.end(JSON.stringify({ errorCode: 'E0000001', errorSummary: 'Api validation failed: login', errorCauses: [{ errorSummary: b.secret }], errorId: b.secret, debug: { authorization: b.secret } }));
      } else {
        res.writeHead(b.status, { 'content-type': 'text/html' });
        res.end(`<html><body>debug dump: Authorization=${b.secret}</body></html>`);
      }
      return true;
    case 'foreign-next':
      return false;
  }
}
