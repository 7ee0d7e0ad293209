// Which errors of an activity become typed, non-retryable failures, and which are left for a retry.
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { typedFailure } from '../../activities/failures.js';
import { IntegrationNotFoundError } from '../../integrations/repository.js';
import { OktaHttpError } from '../../okta/request-executor.js';
import { CREDENTIALS_REJECTED, INTEGRATION_NOT_FOUND, OKTA_BAD_REQUEST, OKTA_USER_NOT_FOUND } from '../../temporal/shared/failures.js';

const okta = (status: number, errorCode: string) =>
  new OktaApiError('https://acme.okta.com/api/v1/users/x', status, { errorCode, errorSummary: 'summary' }, {} as never);

function failureOf(err: unknown): { type: string | null | undefined; nonRetryable: boolean } {
  const f = typedFailure(err, 'reading');
  expect(f).toBeInstanceOf(ApplicationFailure);
  return { type: (f as ApplicationFailure).type, nonRetryable: Boolean((f as ApplicationFailure).nonRetryable) };
}

describe('typedFailure', () => {
  it('makes Okta refusals final: 401/403 credentials, 404 not found, 400 bad request', () => {
    expect(failureOf(okta(401, 'E0000011'))).toEqual({ type: CREDENTIALS_REJECTED, nonRetryable: true });
    expect(failureOf(okta(403, 'E0000006'))).toEqual({ type: CREDENTIALS_REJECTED, nonRetryable: true });
    expect(failureOf(okta(404, 'E0000007'))).toEqual({ type: OKTA_USER_NOT_FOUND, nonRetryable: true });
    expect(failureOf(okta(400, 'E0000031'))).toEqual({ type: OKTA_BAD_REQUEST, nonRetryable: true });
    expect(failureOf(new OktaHttpError(400, 12))).toEqual({ type: OKTA_BAD_REQUEST, nonRetryable: true });
  });

  it("carries Okta's answer as structured details: status, error code, summary", () => {
    const f = typedFailure(okta(404, 'E0000007'), 'reading') as ApplicationFailure;
    expect(f.details).toEqual([{ status: 404, errorCode: 'E0000007', summary: 'summary' }]);
    const http = typedFailure(new OktaHttpError(400, 12), 'reading') as ApplicationFailure;
    expect(http.details).toEqual([{ status: 400, summary: 'HTTP 400 (non-JSON body of 12 bytes)' }]);
  });

  it('names a missing integration', () => {
    expect(failureOf(new IntegrationNotFoundError('gone'))).toEqual({ type: INTEGRATION_NOT_FOUND, nonRetryable: true });
  });

  it('leaves rate limits, Okta 5xx, network and database errors to the retry policy', () => {
    for (const err of [okta(429, 'E0000047'), okta(503, 'E0000009'), new OktaHttpError(502, 0), new Error('ECONNRESET'), Object.assign(new Error('db'), { code: '57P01' })]) {
      expect(typedFailure(err, 'reading')).toBe(err);
    }
  });

  it('passes an ApplicationFailure through as it is', () => {
    const f = ApplicationFailure.retryable('x', 'Mine');
    expect(typedFailure(f, 'reading')).toBe(f);
  });
});
