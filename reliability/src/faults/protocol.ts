import { z } from 'zod';

/** The line stack-child.ts prints once the stack is up, with what a test needs to drive it. */
export const FAULT_READY_LINE = 'FAULT_READY ';
export const FaultReadySchema = z.object({ url: z.string(), hookId: z.string(), workspaceId: z.string(), apiKey: z.string() });
export type FaultReady = z.infer<typeof FaultReadySchema>;
