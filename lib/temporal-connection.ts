// How the worker, the CLI and the dev tools reach Temporal: plain on loopback for the local dev
// server; mutual TLS (a client certificate) for a self-hosted cluster; an API key (over TLS) for
// Temporal Cloud. One builder, so every process connects the same way.
import { readFileSync } from 'node:fs';

export interface TemporalSecuritySettings {
  TEMPORAL_ADDRESS: string;
  /** PEM client certificate and key (mutual TLS). */
  TEMPORAL_TLS_CERT_FILE?: string;
  TEMPORAL_TLS_KEY_FILE?: string;
  /** PEM CA that signed the server's certificate, when it is not a public one. */
  TEMPORAL_TLS_CA_FILE?: string;
  /** The server name to verify, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME?: string;
  /** Turns TLS on without a client certificate (a server certificate only). */
  TEMPORAL_TLS?: boolean;
  /** An API key (Temporal Cloud), or a file holding it; implies TLS. */
  TEMPORAL_API_KEY?: string;
  TEMPORAL_API_KEY_FILE?: string;
}

export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface TemporalConnectionOptions {
  address: string;
  tls?: TemporalTls;
  apiKey?: string;
}

export class TemporalSecurityError extends Error {
  override name = 'TemporalSecurityError';
}

function readSecretFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TemporalSecurityError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/** Connection options for `Connection.connect` (client) and `NativeConnection.connect` (worker). */
export function temporalConnectionOptions(s: TemporalSecuritySettings, read = readSecretFile): TemporalConnectionOptions {
  if (Boolean(s.TEMPORAL_TLS_CERT_FILE) !== Boolean(s.TEMPORAL_TLS_KEY_FILE)) {
    throw new TemporalSecurityError('TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together: set both for mutual TLS, or neither.');
  }
  if (s.TEMPORAL_API_KEY && s.TEMPORAL_API_KEY_FILE) {
    throw new TemporalSecurityError('Set TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both.');
  }
  const apiKey = s.TEMPORAL_API_KEY ?? (s.TEMPORAL_API_KEY_FILE ? read(s.TEMPORAL_API_KEY_FILE, 'the Temporal API key file').toString('utf8').trim() : undefined);
  const wantsTls = Boolean(s.TEMPORAL_TLS || s.TEMPORAL_TLS_CERT_FILE || s.TEMPORAL_TLS_CA_FILE || s.TEMPORAL_TLS_SERVER_NAME || apiKey);
  if (!wantsTls) return { address: s.TEMPORAL_ADDRESS };
  const tls: TemporalTls = {};
  if (s.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = s.TEMPORAL_TLS_SERVER_NAME;
  if (s.TEMPORAL_TLS_CA_FILE) tls.serverRootCACertificate = read(s.TEMPORAL_TLS_CA_FILE, 'the Temporal CA certificate');
  if (s.TEMPORAL_TLS_CERT_FILE && s.TEMPORAL_TLS_KEY_FILE) {
    tls.clientCertPair = { crt: read(s.TEMPORAL_TLS_CERT_FILE, 'the Temporal client certificate'), key: read(s.TEMPORAL_TLS_KEY_FILE, 'the Temporal client key') };
  }
  return { address: s.TEMPORAL_ADDRESS, tls, ...(apiKey ? { apiKey } : {}) };
}

/** One line for the start-up log: how this process reaches Temporal (never the key itself). */
export function describeTemporalSecurity(o: TemporalConnectionOptions): string {
  if (!o.tls) return `plain connection to ${o.address} (no TLS: for a local dev server only)`;
  const parts = [o.tls.clientCertPair ? 'mutual TLS (client certificate)' : 'TLS'];
  if (o.apiKey) parts.push('API key');
  if (o.tls.serverRootCACertificate) parts.push('own CA');
  return `${parts.join(' + ')} to ${o.address}`;
}
