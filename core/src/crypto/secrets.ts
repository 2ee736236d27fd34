import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Config } from '../config';

/** AES-256-GCM: "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
export type SecretBox = { seal(plain: string): string; open(sealed: string): string };

export function parseKey(key: string): Buffer {
  const buf = /^[0-9a-f]{64}$/i.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
  if (buf.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
  return buf;
}

export function createSecretBox(key: string): SecretBox {
  const k = parseKey(key);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [v, iv, tag, body] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
      const d = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    },
  };
}

/**
 * The process's one secret box, from ENCRYPTION_KEY; null without a key (then nothing can be sealed
 * or opened: signed hooks fail closed, signing steps fail clearly). Built once at start-up and
 * injected; nothing else decodes the key or calls the cipher.
 */
export function secretBoxFromConfig(config: Pick<Config, 'ENCRYPTION_KEY'>): SecretBox | null {
  return config.ENCRYPTION_KEY ? createSecretBox(config.ENCRYPTION_KEY) : null;
}
