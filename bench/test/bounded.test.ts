import { describe, expect, it } from 'vitest';
import { within } from '../src/bounded';

describe('within', () => {
  it('passes a settled value or error through, and names what it gave up on', async () => {
    await expect(within('quick', Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(within('failing', Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
    await expect(within('the last run closing', new Promise(() => {}), 10)).rejects.toThrow('the last run closing: gave up after 10 ms');
  });
});
