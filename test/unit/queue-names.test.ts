import { describe, expect, it } from 'vitest';
import { queueNames } from '../../aws/queues.js';

const SQS_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('queueNames', () => {
  it('names the queue after prefix and integration, and its DLQ with -dlq', () => {
    expect(queueNames('oort-okta-', 'okta-1a2b3c4d5e6f7a8b')).toEqual({
      queue: 'oort-okta-okta-1a2b3c4d5e6f7a8b',
      deadLetter: 'oort-okta-okta-1a2b3c4d5e6f7a8b-dlq',
    });
  });

  it.each([
    ['a generated id', 'okta-1a2b3c4d5e6f7a8b'],
    ['an id with dots', 'northwind.prod.okta'],
    ['the longest allowed id', `acme-${'x'.repeat(70)}`],
  ])('gives valid SQS names for %s', (_, id) => {
    const { queue, deadLetter } = queueNames('oort-okta-', id);
    expect(queue).toMatch(SQS_NAME);
    expect(deadLetter).toMatch(SQS_NAME);
    expect(deadLetter).toBe(`${queue}-dlq`);
  });

  it('never gives two integrations the same queue, even when their ids had to be changed to fit', () => {
    expect(queueNames('oort-okta-', 'acme.prod').queue).not.toBe(queueNames('oort-okta-', 'acme-prod').queue);
    const long = (tail: string) => `acme-${'x'.repeat(66)}${tail}`;
    expect(queueNames('oort-okta-', long('a')).queue).not.toBe(queueNames('oort-okta-', long('b')).queue);
  });
});
