/** `GET /api/v1/logStreams[/{id}]` (okta.md §1.7): `filter` allows only `eq` on `type` and `status`. */
import { OktaErrors } from './api-errors.js';
import { pageByIdCursor, parseLimit, type ApiRequest, type ApiResponse } from './api-paging.js';
import { ScimFilterError, parseScimFilter } from './scim-filter.js';
import type { LogStream, SimulatedOrg } from './types.js';

export function listLogStreams(request: ApiRequest, org: SimulatedOrg): ApiResponse {
  const params = request.url.searchParams;
  const limit = parseLimit(params.get('limit'), { min: 1, max: 200, fallback: 20 });
  const filter = params.get('filter');
  let streams = org.logStreams;
  if (filter) {
    try {
      const matches = parseScimFilter(filter, (path, op) =>
        (path === 'type' || path === 'status') && op === 'eq' ? null : 'Only eq on type or status is supported.');
      streams = streams.filter(matches);
    } catch (error) {
      if (error instanceof ScimFilterError) throw OktaErrors.invalidSearch(error.message);
      throw error;
    }
  }
  return pageByIdCursor(request, streams, limit, (s) => presentLogStream(s, request.baseUrl));
}

export function getLogStream(request: ApiRequest, org: SimulatedOrg, id: string): ApiResponse {
  const stream = org.logStreams.find((s) => s.id === id);
  if (!stream) throw OktaErrors.notFound(id, 'LogStream');
  return { body: presentLogStream(stream, request.baseUrl) };
}

/** `_links` carries `self` plus the lifecycle action the status allows. */
export function presentLogStream(stream: LogStream, baseUrl: string) {
  const self = `${baseUrl}/api/v1/logStreams/${stream.id}`;
  const action = stream.status === 'ACTIVE' ? 'deactivate' : 'activate';
  return {
    ...stream,
    _links: {
      self: { href: self, method: 'GET' },
      [action]: { href: `${self}/lifecycle/${action}`, method: 'POST' },
    },
  };
}
