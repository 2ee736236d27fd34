import { describe, expect, it } from 'vitest';
import { loadConfig } from '@conduit/core/config';
import { isLoopbackAddress, temporalConnection } from '@conduit/core/temporal-connection';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
/** Through loadConfig, as every process reads it: the decision sees the parsed settings. */
const decide = (env: Record<string, string>) => temporalConnection(loadConfig(env));

describe('Temporal connection decision', () => {
  it('talks plaintext to a loopback address only', () => {
    for (const address of ['localhost:7233', '127.0.0.1:7233', '127.3.4.5:7233', '[::1]:7233', 'dev.localhost:7233', 'localhost']) {
      const c = decide({ TEMPORAL_ADDRESS: address });
      expect(c.auth, address).toBe('plaintext');
      expect(c.options, address).toEqual({ address });
    }
  });

  it('refuses plaintext to any other address, naming the ways out', () => {
    for (const address of [
      'temporal.example.com:7233',
      '10.0.0.5:7233',
      'temporal:7233',
      '[2001:db8::1]:7233',
      'localhost.example.com:7233',
      '128.0.0.1:7233',
    ]) {
      expect(() => decide({ TEMPORAL_ADDRESS: address }), address).toThrow(/Refusing a plaintext.*TEMPORAL_API_KEY.*TEMPORAL_ALLOW_INSECURE=true/);
    }
  });

  it('allows plaintext to a remote address when TEMPORAL_ALLOW_INSECURE=true says so', () => {
    expect(decide({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_ALLOW_INSECURE: 'true' })).toEqual({
      auth: 'plaintext',
      options: { address: 'temporal:7233' },
    });
    expect(() => decide({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_ALLOW_INSECURE: 'false' })).toThrow(/Refusing/);
  });

  it('uses TLS with an API key', () => {
    const c = decide({ TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'k1' });
    expect(c).toEqual({ auth: 'api-key', options: { address: 'us-east-1.aws.api.temporal.io:7233', apiKey: 'k1', tls: {} } });
  });

  it('an empty API key (an empty string in the runtime secret) is no key', () => {
    expect(() => decide({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: '' })).toThrow(/Refusing/);
  });

  it('uses mTLS with a client certificate and key, PEM with literal \\n turned into newlines', () => {
    const c = decide({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_TLS_CLIENT_CERT_DATA: CERT.replace(/\n/g, '\\n'),
      TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
    });
    expect(c.auth).toBe('mtls');
    expect(c.options.apiKey).toBeUndefined();
    expect(Buffer.from(c.options.tls!.clientCertPair!.crt).toString()).toBe(CERT);
    expect(Buffer.from(c.options.tls!.clientCertPair!.key).toString()).toBe(KEY);
  });

  it('passes a private CA and a server name for a self-hosted cluster', () => {
    const c = decide({
      TEMPORAL_ADDRESS: '10.0.0.5:7233',
      TEMPORAL_TLS_CLIENT_CERT_DATA: CERT,
      TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: CERT,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(c.options.tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
    expect(Buffer.from(c.options.tls!.serverRootCACertificate!).toString()).toBe(CERT);
    // A CA alone is server-authenticated TLS: encrypted, so allowed, but named for what it is.
    expect(decide({ TEMPORAL_ADDRESS: '10.0.0.5:7233', TEMPORAL_TLS_SERVER_CA_CERT_DATA: CERT }).auth).toBe('tls');
  });

  it('takes an API key and a client certificate together', () => {
    expect(
      decide({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY }).auth,
    ).toBe('api-key+mtls');
  });

  it('refuses half a client certificate pair', () => {
    expect(() => decide({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_TLS_CLIENT_CERT_DATA: CERT })).toThrow(/both .* or neither/);
    expect(() => decide({ TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_TLS_CLIENT_KEY_DATA: KEY })).toThrow(/both .* or neither/);
  });

  it('reads host names out of every address shape', () => {
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('LOCALHOST:7233')).toBe(true);
    expect(isLoopbackAddress('127.0.0.1.nip.io:7233')).toBe(false);
    expect(isLoopbackAddress('[::ffff:10.0.0.1]:7233')).toBe(false);
  });
});
