import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, request } from '../src/api/client';

// Pure parsing logic: the response is handed in directly; the real API is exercised by the e2e test.
const answer = (status: number, body: unknown) =>
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
afterEach(() => vi.unstubAllGlobals());

describe('api client', () => {
  it('turns the error body into an ApiError that names the field', async () => {
    answer(400, { error: { code: 'invalid', message: 'actions[0].url: not a valid http(s) URL', path: 'actions[0].url' } });
    const err = await request('PATCH', '/api/x', z.unknown(), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid', path: 'actions[0].url', issues: [{ path: 'actions[0].url' }] });
  });

  it('refuses a response that does not match the expected shape, in words', async () => {
    answer(200, { id: 42 });
    await expect(request('GET', '/api/y', z.object({ id: z.string() }))).rejects.toThrow(/Unexpected response from \/api\/y: id/);
  });
});
