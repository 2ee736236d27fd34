/** One answer the ingress or the API gave during a fault: status, error code, Retry-After. */
export type Answer = { status: number; code: string | null; message: string | null; retryAfter: string | null; at: number };

/** A request that records how it was answered; a refused connection is status 0 (the server is not listening). */
export async function ask(url: string, init: RequestInit): Promise<Answer> {
  const at = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let code: string | null = null;
    let message: string | null = null;
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      code = typeof body.error?.code === 'string' ? body.error.code : null;
      message = typeof body.error?.message === 'string' ? body.error.message : null;
    } catch {
      /* not JSON: code stays null, which the tests count as unclear */
    }
    return { status: res.status, code, message, retryAfter: res.headers.get('retry-after'), at };
  } catch (e) {
    return { status: 0, code: null, message: e instanceof Error ? e.message : String(e), retryAfter: null, at };
  }
}

/** Sends one webhook (JSON `{ n }`, Idempotency-Key `ev-<n>`) until it is accepted or `giveUpMs` passes; every answer is kept. */
export async function sendUntilAccepted(base: string, hookId: string, n: number, answers: Answer[], giveUpMs = 60_000): Promise<boolean> {
  const end = Date.now() + giveUpMs;
  while (Date.now() < end) {
    const a = await ask(`${base}/hooks/${hookId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `ev-${n}` },
      body: JSON.stringify({ n }),
    });
    answers.push(a);
    if (a.status === 202) return true;
    // A sender honouring Retry-After would wait that long; half a second keeps the test short and
    // still proves a retry under the same key is accepted once the database is back.
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
