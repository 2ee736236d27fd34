// The floor scenario's workflow (bundled by the SDK, like Conduit's): one local activity, the shape
// of a Conduit run of light steps, with none of Conduit's work in it.
import { proxyLocalActivities } from '@temporalio/workflow';

export type FloorActivities = { step(arg: { key: string }): Promise<{ key: string }> };

const { step } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10s' });

export async function floorRun(arg: { key: string }): Promise<{ key: string }> {
  return step(arg);
}
