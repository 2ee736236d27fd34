import { describe, expect, it } from 'vitest';
import { activationTimeoutMs, SDK_DEFAULT_ACTIVATION_TIMEOUT_MS, sdkAllowsNoActivationTimeout } from '../src/activation-timeout';

describe('the workflow activation timeout', () => {
  it('the installed Temporal SDK carries the patch (npm install ran patch-package), so 0 means none', () => {
    expect(sdkAllowsNoActivationTimeout()).toBe(true);
    expect(activationTimeoutMs(0)).toEqual({ ms: 0, patchMissing: false, option: { isolateExecutionTimeout: 0 } });
  });

  it('a configured limit is passed as it is, patched or not', () => {
    expect(activationTimeoutMs(2_000, true).ms).toBe(2_000);
    expect(activationTimeoutMs(2_000, false)).toMatchObject({ ms: 2_000, patchMissing: false });
  });

  it('without the patch, 0 falls back to the SDK default instead of making every activation fail', () => {
    expect(activationTimeoutMs(0, false)).toEqual({
      ms: SDK_DEFAULT_ACTIVATION_TIMEOUT_MS,
      patchMissing: true,
      option: { isolateExecutionTimeout: SDK_DEFAULT_ACTIVATION_TIMEOUT_MS },
    });
  });
});
