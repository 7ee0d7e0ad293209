// What an activity's error means for the workflow. Okta's refusals and a missing integration are answers, not
// faults: retrying cannot change them, so they become typed, non-retryable failures that the workflow (and the
// CLI, which unwraps them) can name. Everything else is left as it is and retried by the activity's policy.
import { ApplicationFailure } from '@temporalio/common';
import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { classifyOktaError, describeOktaError, oktaAnswerOf, OktaDomainError } from '../okta/client.js';
import { OktaHttpError } from '../okta/request-executor.js';
import { IntegrationNotFoundError } from '../integrations/repository.js';
import { SigmaRuleSetError } from '../detections/sigma/index.js';
import { SIGMA_RULES_INVALID, CREDENTIALS_REJECTED, INTEGRATION_NOT_FOUND, OKTA_BAD_REQUEST, OKTA_DESTINATION_REFUSED, OKTA_DOMAIN_REFUSED, OKTA_USER_NOT_FOUND } from '../temporal/shared/failures.js';

function isOktaAnswer(err: unknown): boolean {
  return err instanceof OktaApiError || err instanceof OktaHttpError || (err as { code?: unknown } | null)?.code === 'ERR_OUTBOUND_REFUSED';
}

/** The failure to hand to Temporal for `err`; `what` says what the activity was doing (for the message). */
export function typedFailure(err: unknown, what: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof IntegrationNotFoundError) return ApplicationFailure.nonRetryable(err.message, INTEGRATION_NOT_FOUND);
  if (err instanceof OktaDomainError) return ApplicationFailure.nonRetryable(err.message, OKTA_DOMAIN_REFUSED);
  // Fixed by an operator (the rule files, then a worker restart), not by another attempt.
  if (err instanceof SigmaRuleSetError) return ApplicationFailure.nonRetryable(`${err.message}\nFix or remove these files in SIGMA_RULES_DIR and restart the worker; the events wait in the detection backlog.`, SIGMA_RULES_INVALID);
  if (!isOktaAnswer(err)) return err;
  // Okta's answer also travels as structured details (status, error code, summary), so callers need not parse the message.
  const final = (type: string) =>
    ApplicationFailure.create({ message: `${what}: ${describeOktaError(err)}`, type, nonRetryable: true, details: [oktaAnswerOf(err)] });
  switch (classifyOktaError(err)) {
    case 'invalid_token':
    case 'forbidden':
      return final(CREDENTIALS_REJECTED);
    case 'not_found':
      return final(OKTA_USER_NOT_FOUND);
    case 'bad_request':
      // Okta refused the request itself (a malformed filter, an id it cannot parse): the same request fails again.
      return final(OKTA_BAD_REQUEST);
    case 'refused':
      return final(OKTA_DESTINATION_REFUSED);
    default:
      // Rate limits, Okta's 5xx and the network: retried as they are. The error carries only the status, Okta's error
      // code and a truncated summary (okta/request-executor.ts), so no response body reaches Temporal's history.
      return err;
  }
}
