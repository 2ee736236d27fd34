import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { Config } from '../config';

/** The settings that decide how a process reaches Temporal (the worker's, the dispatcher's and the API's alike). */
export type TemporalConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS_CLIENT_CERT_DATA'
  | 'TEMPORAL_TLS_CLIENT_KEY_DATA'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_ALLOW_INSECURE'
>;

/** What Connection.connect / NativeConnection.connect take (both accept this shape). */
export type TemporalConnectionOptions = { address: string; apiKey?: string; tls?: TLSConfig };

export type TemporalAuth = 'api-key' | 'mtls' | 'api-key+mtls' | 'tls' | 'plaintext';

/**
 * The one home of the connection decision. TLS whenever there is something to protect (an API key,
 * a client certificate, a server CA or name); plaintext only to a loopback address, or anywhere when
 * TEMPORAL_ALLOW_INSECURE=true says so on purpose (a private network, docker compose). Otherwise it
 * throws, so a process refuses to start rather than send unauthenticated gRPC over a network.
 */
export function temporalConnection(config: TemporalConnectionConfig): { options: TemporalConnectionOptions; auth: TemporalAuth } {
  const address = config.TEMPORAL_ADDRESS;
  const cert = config.TEMPORAL_TLS_CLIENT_CERT_DATA;
  const key = config.TEMPORAL_TLS_CLIENT_KEY_DATA;
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('Temporal mTLS needs both TEMPORAL_TLS_CLIENT_CERT_DATA and TEMPORAL_TLS_CLIENT_KEY_DATA (PEM), or neither');
  }
  const tls: TLSConfig = {
    ...(cert && key ? { clientCertPair: { crt: Buffer.from(pem(cert)), key: Buffer.from(pem(key)) } } : {}),
    ...(config.TEMPORAL_TLS_SERVER_CA_CERT_DATA ? { serverRootCACertificate: Buffer.from(pem(config.TEMPORAL_TLS_SERVER_CA_CERT_DATA)) } : {}),
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  const apiKey = config.TEMPORAL_API_KEY || undefined;
  const useTls = Boolean(apiKey) || Object.keys(tls).length > 0;
  if (!useTls && !config.TEMPORAL_ALLOW_INSECURE && !isLoopbackAddress(address)) {
    throw new Error(
      `Refusing a plaintext, unauthenticated connection to Temporal at ${address}: set TEMPORAL_API_KEY or ` +
        'TEMPORAL_TLS_CLIENT_CERT_DATA/TEMPORAL_TLS_CLIENT_KEY_DATA (mTLS), or TEMPORAL_ALLOW_INSECURE=true on a private network',
    );
  }
  const auth: TemporalAuth = !useTls ? 'plaintext' : apiKey && tls.clientCertPair ? 'api-key+mtls' : apiKey ? 'api-key' : tls.clientCertPair ? 'mtls' : 'tls';
  return { auth, options: { address, ...(apiKey ? { apiKey } : {}), ...(useTls ? { tls } : {}) } };
}

/** host:port (or [v6]:port, or a bare host) names this machine: localhost, *.localhost, 127.0.0.0/8, ::1. */
export function isLoopbackAddress(address: string): boolean {
  const host = hostOf(address).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127(\.\d{1,3}){3}$/.test(host)) return true;
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

function hostOf(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!;
  // More than one colon without brackets: a bare IPv6 address.
  if ((address.match(/:/g) ?? []).length > 1) return address;
  return address.split(':')[0]!;
}

/** Secrets stores and env files often keep PEM with literal "\n"; the TLS stack needs real newlines. */
const pem = (s: string): string => (s.includes('\\n') && !s.includes('\n') ? s.replace(/\\n/g, '\n') : s);
