import type { Readable } from 'node:stream';
import type { Json } from '@conduit/core/definition';

export type BodyResult = { ok: true; raw: Buffer } | { ok: false; status: 413 };

/** The Node request under @hono/node-server (c.env.incoming); reading it directly skips building a web Request. */
export type NodeIncoming = Readable & { headers: Record<string, string | string[] | undefined>; complete?: boolean };

export function nodeIncoming(env: unknown): NodeIncoming | null {
  const incoming = typeof env === 'object' && env !== null ? (env as { incoming?: unknown }).incoming : undefined;
  return incoming && typeof incoming === 'object' && typeof (incoming as { on?: unknown }).on === 'function' && 'headers' in incoming
    ? (incoming as NodeIncoming)
    : null;
}

/** Reads the body up to `limit` bytes; beyond it, stops reading and reports 413. */
export async function readBody(req: Request, limit: number, incoming: NodeIncoming | null = null): Promise<BodyResult> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return { ok: false, status: 413 };
  if (incoming) return readNode(incoming, limit);
  if (!req.body) return { ok: true, raw: Buffer.alloc(0) };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false, status: 413 };
    }
    chunks.push(value);
  }
  return { ok: true, raw: chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks) };
}

/**
 * Reads a Node request stream up to `limit` bytes. Plain 'data'/'end' listeners rather than
 * `for await`: the async iterator costs a webhook flood a noticeable share of its CPU.
 */
export function readNode(stream: NodeIncoming, limit: number): Promise<BodyResult> {
  if (stream.readableEnded) return Promise.resolve({ ok: true, raw: Buffer.alloc(0) });
  // The usual small webhook arrived with its headers and is already parsed and buffered: take it now.
  if (stream.complete === true) return Promise.resolve(readBuffered(stream, limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (r: BodyResult) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Stop reading; the connection is closed after the 413 so the rest is never buffered.
      if (size > limit) {
        stream.pause();
        return done({ ok: false, status: 413 });
      }
      chunks.push(chunk);
    };
    const onEnd = () => done({ ok: true, raw: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
    const onError = (err: unknown) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      reject(err);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/** A complete message's body, all of it in the stream's buffer; read() hands it over (and 'end' follows). */
function readBuffered(stream: NodeIncoming, limit: number): BodyResult {
  const chunks: Buffer[] = [];
  let size = 0;
  for (let chunk: Buffer | null; (chunk = stream.read() as Buffer | null) !== null; ) {
    size += chunk.length;
    if (size > limit) return { ok: false, status: 413 };
    chunks.push(chunk);
  }
  return { ok: true, raw: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
}

export type ParsedBody = { ok: true; body: Json } | { ok: false; status: 400 | 415; message: string };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses by content type: JSON (application/json, *+json), form (x-www-form-urlencoded) and text
 * (text/*, or no content type) are accepted; anything else (multipart, binary) is refused with 415.
 * JSON keys that could reach an object's prototype are dropped.
 */
export function parseBody(raw: Buffer, contentType: string | null): ParsedBody {
  if (raw.length === 0) return { ok: true, body: null };
  const mime = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const charset = /charset=([^;]+)/i
    .exec(contentType ?? '')?.[1]
    ?.trim()
    .replace(/"/g, '')
    .toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    return { ok: false, status: 415, message: `charset ${charset} is not supported; send UTF-8` };
  }
  const text = raw.toString('utf8');
  if (mime === 'application/json' || mime.endsWith('+json')) {
    try {
      // The reviver costs time; only pay it when a dangerous key could be present.
      const value: unknown = /__proto__|constructor|prototype/.test(text) ? JSON.parse(text, dropDangerous) : JSON.parse(text);
      return { ok: true, body: value as Json };
    } catch {
      return { ok: false, status: 400, message: 'the body is not valid JSON' };
    }
  }
  if (mime === 'application/x-www-form-urlencoded') return { ok: true, body: parseForm(text) };
  if (mime === '' || mime.startsWith('text/')) return { ok: true, body: text };
  return { ok: false, status: 415, message: 'send JSON, a URL-encoded form or text' };
}

function dropDangerous(this: unknown, key: string, value: unknown): unknown {
  return FORBIDDEN_KEYS.has(key) ? undefined : value;
}

/** Form fields as an object; a repeated field becomes an array. Built without a prototype chain. */
function parseForm(text: string): Json {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (FORBIDDEN_KEYS.has(k)) continue;
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}
