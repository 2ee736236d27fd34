import { describe, expect, it } from 'vitest';
import { byEvent, byRecord, RunEndings } from '../src/targets/conduit/observer';

const done = (record: string, status = 'completed', workflow = 'wf') => `${workflow} ev ${status} ${record}`;

describe("the bench's completion observer", () => {
  it('resolves once the expected runs of that record have ended, ignoring other records', async () => {
    const o = new RunEndings(byRecord);
    let settled = false;
    const p = o.until('r1', 2, 5_000).then((r) => {
      settled = true;
      return r;
    });
    o.onDone(done('r1', 'completed', 'a'));
    o.onDone(done('r2'));
    o.onDone('wf ev completed -');
    await Promise.resolve();
    expect(settled).toBe(false);
    o.onDone(done('r1', 'failed', 'b'));
    await expect(p).resolves.toMatchObject({ notCompleted: 1 });
    await o.close();
  });

  it('counts runs that ended before anyone waited (a run quicker than the caller)', async () => {
    const o = new RunEndings(byRecord);
    o.onDone(done('r1'));
    await expect(o.until('r1', 1, 5_000)).resolves.toMatchObject({ notCompleted: 0 });
    await o.close();
  });

  it('gives up after its timeout, and a cancelled wait forgets what it heard', async () => {
    const o = new RunEndings(byRecord);
    await expect(o.until('r1', 1, 10)).rejects.toThrow(/did not end within 10 ms/);
    o.onDone(done('r2'));
    void o.until('r2', 2, 5_000);
    o.cancel('r2');
    o.onDone(done('r2'));
    let settled = false;
    const again = o.until('r2', 2, 5_000).then(
      () => {
        settled = true;
      },
      () => {},
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    await o.close();
    await again;
  });

  it("by event, for one workflow: a run's completion resolves its event's wait, other workflows' runs do not", async () => {
    const o = new RunEndings(byEvent('wf'));
    o.onDone('other e1 failed -');
    o.onDone('wf e2 failed -');
    await expect(o.wait('e2', 5_000)).resolves.toMatchObject({ status: 'failed', notCompleted: 1 });
    const first = o.wait('e1', 5_000);
    o.onDone('wf e1 completed -');
    await expect(first).resolves.toMatchObject({ status: 'completed', notCompleted: 0 });
    await o.close();
  });
});
