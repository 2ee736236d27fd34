import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Left in the SDK by patches/@temporalio+worker+*.patch (applied by patch-package at install). */
const PATCH_MARKER = 'conduit-patch: 0 = no per-call watchdog thread';

/** The SDK's own limit, used when the installed SDK would refuse 0. */
export const SDK_DEFAULT_ACTIVATION_TIMEOUT_MS = 5_000;

/** Whether the installed Temporal SDK takes an activation timeout of 0 as "none". */
export function sdkAllowsNoActivationTimeout(): boolean {
  try {
    const file = createRequire(import.meta.url).resolve('@temporalio/worker/lib/workflow/reusable-vm.js');
    return readFileSync(file, 'utf8').includes(PATCH_MARKER);
  } catch {
    return false;
  }
}

/**
 * The `isolateExecutionTimeout` the worker gives the SDK for WORKFLOW_ACTIVATION_TIMEOUT_MS. With a
 * limit the SDK passes `timeout` to Node's vm on every call into the workflow's context, and Node
 * starts and joins a watchdog thread for each such call (about 66 µs of CPU each, several calls per
 * activation). Unpatched, the SDK hands 0 to Node, which refuses it: then the SDK's default applies.
 */
export function activationTimeoutMs(configured: number, allowsNone = sdkAllowsNoActivationTimeout()): { ms: number; patchMissing: boolean; option: object } {
  const ms = configured > 0 || allowsNone ? configured : SDK_DEFAULT_ACTIVATION_TIMEOUT_MS;
  // The SDK reads this worker option but leaves it out of its public type; a spread object passes it.
  return { ms, patchMissing: configured === 0 && !allowsNone, option: { isolateExecutionTimeout: ms } };
}
