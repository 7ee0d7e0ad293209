// Addresses of the findings pages (for the pages themselves and for notifications) and of a run's
// workflow in the Temporal UI. Pure.

/** What the findings links need from the configuration (lib/config.ts). */
export interface FindingsLinkConfig {
  FINDINGS_PORT: number;
  FINDINGS_HOST: string;
  FINDINGS_BASE_URL?: string;
}

/**
 * The public address of the findings pages, without a trailing slash: FINDINGS_BASE_URL when set, else the
 * worker's own listener (a wildcard host shown as 127.0.0.1); none when the page is off and no base URL is set.
 */
export function findingsBaseUrl(c: FindingsLinkConfig): string | undefined {
  if (c.FINDINGS_BASE_URL) return c.FINDINGS_BASE_URL.replace(/\/+$/, '');
  if (c.FINDINGS_PORT === 0) return undefined;
  const host = ['0.0.0.0', '::', '[::]', ''].includes(c.FINDINGS_HOST) ? '127.0.0.1' : c.FINDINGS_HOST;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${c.FINDINGS_PORT}`;
}

/** The path prefix of the pages behind a proxy (FINDINGS_BASE_URL's path), '' at the root. */
export function basePath(baseUrl: string | undefined): string {
  if (!baseUrl) return '';
  try {
    return new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

const seg = encodeURIComponent;

/** `/integrations/<id>/detections`, with the query when given. */
export function detectionsPath(prefix: string, integrationId: string, query?: URLSearchParams): string {
  const q = query?.toString();
  return `${prefix}/integrations/${seg(integrationId)}/detections${q ? `?${q}` : ''}`;
}

export function detectionPath(prefix: string, integrationId: string, detectionId: number): string {
  return `${prefix}/integrations/${seg(integrationId)}/detections/${detectionId}`;
}

/** The absolute address of one detection's page, for a notification; undefined when there is no base URL. */
export function detectionUrl(baseUrl: string | undefined, integrationId: string, detectionId: number): string | undefined {
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}${detectionPath('', integrationId, detectionId)}` : undefined;
}

/** The absolute address of an integration's detection list (optionally one run's), for a digest. */
export function detectionsUrl(baseUrl: string | undefined, integrationId: string): string | undefined {
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}${detectionsPath('', integrationId)}` : undefined;
}

/** `<ui>/namespaces/<ns>/workflows/<workflowId>/<runId>`, the Temporal UI's (and Temporal Cloud's) page of one run. */
export function temporalWorkflowUrl(uiUrl: string | undefined, namespace: string, workflowId: string, runId: string): string | undefined {
  if (!uiUrl) return undefined;
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${seg(namespace)}/workflows/${seg(workflowId)}/${seg(runId)}`;
}
