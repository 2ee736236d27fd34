import { describe, expect, it } from 'vitest';
import { createFairBacklog, createFairGate } from '../src/fairness';

/** A call that finishes when the test says so, recording when it began. */
function controlled(order: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  return {
    fn: async () => {
      order.push(name);
      await done;
      return name;
    },
    finish,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createFairGate', () => {
  it('runs at most `limit` calls at once and starts the next as one ends', async () => {
    const gate = createFairGate(2);
    const order: string[] = [];
    const calls = ['a1', 'a2', 'a3', 'a4'].map((n) => controlled(order, n));
    const results = calls.map((c) => gate.run('A', c.fn));
    await tick();
    expect(order).toEqual(['a1', 'a2']);
    expect([gate.active, gate.waiting]).toEqual([2, 2]);
    calls[0]!.finish();
    await tick();
    expect(order).toEqual(['a1', 'a2', 'a3']);
    for (const c of calls) c.finish();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  it("lets a quiet workspace's call through at once on the spare place, then in turns", async () => {
    const gate = createFairGate(1);
    const order: string[] = [];
    const a = Array.from({ length: 6 }, (_, i) => controlled(order, `a${i}`));
    const b = controlled(order, 'b0');
    const c = [0, 1].map((i) => controlled(order, `c${i}`));
    const runs = a.map((x) => gate.run('A', x.fn));
    await tick();
    runs.push(gate.run('B', b.fn));
    await tick();
    // a0 holds the one place; B had nothing in flight, so it took the spare one at once.
    expect(order).toEqual(['a0', 'b0']);
    expect(gate.active).toBe(2);
    // The spare is taken: C waits, and then it is served in turn with A, not after A's backlog.
    runs.push(...c.map((x) => gate.run('C', x.fn)));
    await tick();
    expect(order).toEqual(['a0', 'b0']);
    b.finish();
    await tick();
    expect(gate.active).toBe(1);
    for (const x of [...a, ...c]) x.finish();
    await Promise.all(runs);
    expect(order.slice(0, 5)).toEqual(['a0', 'b0', 'a1', 'c0', 'a2']);
  });

  it('serves urgent calls (a person waiting) before routine ones, even of the same workspace', async () => {
    const gate = createFairGate(1);
    const order: string[] = [];
    const first = controlled(order, 'bulk0');
    const bulk = [1, 2, 3].map((i) => controlled(order, `bulk${i}`));
    const manual = controlled(order, 'manual');
    const runs = [gate.run('A', first.fn), ...bulk.map((c) => gate.run('A', c.fn)), gate.run('A', manual.fn, { urgent: true })];
    for (const c of [first, ...bulk, manual]) c.finish();
    await Promise.all(runs);
    expect(order).toEqual(['bulk0', 'manual', 'bulk1', 'bulk2', 'bulk3']);
  });

  it('frees the place when a call fails', async () => {
    const gate = createFairGate(1);
    await expect(gate.run('A', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await gate.run('A', async () => 'next')).toBe('next');
    expect(gate.active).toBe(0);
  });

  it('refuses a gate without places', () => {
    expect(() => createFairGate(0)).toThrow(/at least one place/);
  });
});

describe('createFairBacklog', () => {
  const item = (workspaceId: string, n: number) => ({ workspaceId, n });

  it('takes items round-robin across workspaces, in order within one', () => {
    const b = createFairBacklog<ReturnType<typeof item>>();
    for (let n = 0; n < 3; n++) b.push(item('A', n));
    b.push(item('B', 0));
    const taken = [];
    for (let x = b.take(); x; x = b.take()) taken.push(`${x.workspaceId}${x.n}`);
    expect(taken).toEqual(['A0', 'B0', 'A1', 'A2']);
    expect(b.size).toBe(0);
  });

  it("when full, drops the busiest workspace's newest item to keep room for a quiet one", () => {
    const b = createFairBacklog<ReturnType<typeof item>>();
    for (let n = 0; n < 3; n++) expect(b.push(item('A', n), 3)).toBeNull();
    expect(b.push(item('A', 3), 3)).toEqual(item('A', 3));
    expect(b.push(item('B', 0), 3)).toEqual(item('A', 2));
    expect(b.size).toBe(3);
  });
});
