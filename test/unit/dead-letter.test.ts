// The dead-letter queue's pure parts: the body preview (secrets redacted before it is cut) and the
// operator's line about a non-empty DLQ.
import { describe, expect, it } from 'vitest';
import { describeDeadLetters, previewBody } from '../../ingest/dead-letter.js';

describe('previewBody', () => {
  it('redacts the values of secret-looking keys at any depth of a JSON body, then shows it on one line', () => {
    const body = JSON.stringify(
      { detail: { uuid: 'u1', debugContext: { debugData: { apiToken: 'SSWS-abc', Authorization: 'Bearer xyz', password: 'hunter2' } }, tokens: [{ secret: 's' }] } },
      null,
      2,
    );
    const preview = previewBody(body, 1000);
    expect(preview).not.toMatch(/SSWS-abc|xyz|hunter2|"s"/);
    expect(preview).toContain('"apiToken":"[redacted]"');
    expect(preview).toContain('"uuid":"u1"');
    expect(preview).not.toContain('\n');
  });

  it('redacts token-like text in a body that is not JSON', () => {
    const preview = previewBody('GET /api\nAuthorization: SSWS 00abcDEF123\ntoken=zzz999&x=1; Bearer eyJhbGci.x.y', 1000);
    expect(preview).toBe('GET /api Authorization: SSWS [redacted] token=[redacted]&x=1; Bearer [redacted]');
  });

  it('cuts after redacting, on whole characters, marking the cut', () => {
    const body = JSON.stringify({ password: 'p'.repeat(50), note: '🙂'.repeat(100) });
    const preview = previewBody(body, 40);
    expect(Array.from(preview)).toHaveLength(40);
    expect(preview.endsWith('…')).toBe(true);
    expect(preview).not.toContain('pppp');
    expect(preview).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(previewBody('short', 40)).toBe('short');
  });
});

describe('describeDeadLetters', () => {
  it('names the count and both commands', () => {
    expect(describeDeadLetters('okta-1', 1)).toMatch(/^1 message is in the dead-letter queue/);
    const line = describeDeadLetters('okta-1', 3);
    expect(line).toMatch(/^3 messages are in the dead-letter queue/);
    expect(line).toContain('`npx oort-okta dlq list okta-1`');
    expect(line).toContain('`npx oort-okta dlq redrive okta-1`');
  });
});
