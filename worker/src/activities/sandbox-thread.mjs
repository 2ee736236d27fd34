// Runs user scripts in QuickJS (WebAssembly) on a worker thread. Plain JavaScript on purpose: it is
// loaded by `new Worker()` under tsx, vitest and a bundled build alike. The parent can terminate
// the thread when a script wedges native code (e.g. allocation thrash at the memory limit).
import { parentPort } from 'node:worker_threads';
import { getQuickJS, shouldInterruptAfterDeadline } from 'quickjs-emscripten';

const MAX_STACK_BYTES = 256 * 1024;
const QuickJS = await getQuickJS();

const wrap = (code) =>
  `(async (input) => {${code}\n})(JSON.parse(__input)).then((v) => { const s = JSON.stringify(v === undefined ? null : v); if (s === undefined) throw new TypeError('the script returned a value that is not JSON'); return s; })`;
const lineOf = (stack) => {
  const m = typeof stack === 'string' ? /script\.js:(\d+)/.exec(stack) : null;
  return m ? Number(m[1]) : null;
};

function run({ code, input, memoryMb, cpuMs, maxOutputBytes, maxLogLines, maxLogLineChars }) {
  const logs = [];
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(MAX_STACK_BYTES);
  const overTime = shouldInterruptAfterDeadline(Date.now() + cpuMs);
  runtime.setInterruptHandler(overTime);
  const ctx = runtime.newContext();
  const fail = (error, line = null) => ({ ok: false, error, line, logs });
  const timeUp = () => fail(`script exceeded its CPU time limit of ${cpuMs} ms`);
  const describe = (handle) => {
    let e;
    try {
      e = ctx.dump(handle);
    } catch {
      e = { name: 'Error', message: 'unreadable error' };
    }
    handle.dispose();
    if (e && typeof e === 'object') {
      const msg = `${e.name ?? 'Error'}: ${e.message ?? ''}`;
      if (/interrupted/i.test(msg)) return timeUp();
      if (/out of memory/i.test(msg)) return fail(`script exceeded its memory limit of ${memoryMb} MB`);
      if (/stack overflow/i.test(msg)) return fail('script exceeded the maximum call depth (stack overflow)', lineOf(e.stack));
      const line = lineOf(e.stack);
      return fail(line ? `${msg} (line ${line})` : msg, line);
    }
    return fail(`script threw ${JSON.stringify(e) ?? String(e)}`);
  };
  try {
    const consoleObj = ctx.newObject();
    const log = ctx.newFunction('log', (...args) => {
      if (logs.length >= maxLogLines) return;
      const line = args
        .map((a) => {
          const v = ctx.dump(a);
          return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
        })
        .join(' ');
      logs.push(line.slice(0, maxLogLineChars));
    });
    ctx.setProp(consoleObj, 'log', log);
    ctx.setProp(ctx.global, '__console', consoleObj);
    log.dispose();
    consoleObj.dispose();
    // Lines past the cap stop in the sandbox, so a log flood costs no host calls.
    const prelude = ctx.evalCode(
      `(() => { const host = __console.log; let n = 0; const log = (...a) => { if (n++ < ${maxLogLines}) host(...a); };
      globalThis.console = { log, info: log, warn: log, error: log, debug: log }; delete globalThis.__console; })()`,
      'prelude.js',
    );
    if (prelude.error) return describe(prelude.error);
    prelude.value.dispose();
    const inputHandle = ctx.newString(JSON.stringify(input ?? null));
    ctx.setProp(ctx.global, '__input', inputHandle);
    inputHandle.dispose();

    const evaluated = ctx.evalCode(wrap(code), 'script.js', { type: 'global' });
    if (evaluated.error) return describe(evaluated.error);
    const promise = evaluated.value;
    try {
      for (;;) {
        const state = ctx.getPromiseState(promise);
        if (state.type === 'fulfilled') {
          const s = ctx.getString(state.value);
          state.value.dispose();
          if (s.length > maxOutputBytes) return fail(`script output is ${s.length} bytes; the limit is ${maxOutputBytes}`);
          return { ok: true, value: JSON.parse(s), logs };
        }
        if (state.type === 'rejected') return describe(state.error);
        const jobs = runtime.executePendingJobs(1000);
        if (jobs.error) return describe(jobs.error);
        if (jobs.value === 0 && ctx.getPromiseState(promise).type === 'pending')
          return fail('script awaited something that never finished (there are no timers or network in the sandbox)');
        if (overTime(runtime)) return timeUp();
      }
    } finally {
      promise.dispose();
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/call stack/i.test(msg)) return fail('script exceeded the maximum call depth (stack overflow)');
    if (/memory/i.test(msg)) return fail(`script exceeded its memory limit of ${memoryMb} MB`);
    return fail(`script failed: ${msg}`);
  } finally {
    try {
      ctx.dispose();
      runtime.dispose();
    } catch {
      /* a leaked handle; the thread is recycled below */
    }
  }
}

parentPort.on('message', (job) => {
  const started = performance.now();
  let result;
  try {
    result = run(job);
  } catch (e) {
    result = { ok: false, error: `script failed: ${e instanceof Error ? e.message : String(e)}`, line: null, logs: [] };
  }
  parentPort.postMessage({ id: job.id, result: { ...result, durationMs: performance.now() - started } });
});
parentPort.postMessage({ ready: true });
