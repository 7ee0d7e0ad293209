/** Okta's error responses: `{errorCode, errorSummary, errorLink, errorId, errorCauses}`. */
import { randomBytes } from 'node:crypto';

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

export class OktaApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly errorCauses: string[] = [],
  ) {
    super(`${status} ${errorCode} ${errorSummary}`);
  }

  toBody(): OktaErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorLink: this.errorCode,
      errorId: `oae${randomBytes(16).toString('base64url').slice(0, 22)}`,
      errorCauses: this.errorCauses.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/** The errors the simulated endpoints can return. */
export const OktaErrors = {
  invalidToken: () => new OktaApiFailure(401, 'E0000011', 'Invalid token provided'),
  forbidden: () => new OktaApiFailure(403, 'E0000006', 'You do not have permission to perform the requested action'),
  notFound: (id: string, type: string) => new OktaApiFailure(404, 'E0000007', `Not found: Resource not found: ${id} (${type})`),
  methodNotAllowed: () => new OktaApiFailure(405, 'E0000022', 'The endpoint does not support the provided HTTP method'),
  validation: (field: string, cause: string) => new OktaApiFailure(400, 'E0000001', `Api validation failed: ${field}`, [`${field}: ${cause}`]),
  invalidSearch: (cause: string) => new OktaApiFailure(400, 'E0000031', 'Invalid search criteria.', [cause]),
  sinceTooOld: () => new OktaApiFailure(400, 'E0000053', 'Invalid search criteria.', ['since: The since parameter must be within the last 180 days.']),
  rateLimited: () => new OktaApiFailure(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'),
  internal: () => new OktaApiFailure(500, 'E0000009', 'Internal Server Error'),
};
