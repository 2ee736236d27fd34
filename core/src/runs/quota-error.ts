// Kept apart from the run starter: the API's routes need the error class without loading the
// Temporal client into their cold start.

/** A run a person asked for, refused because the workspace's monthly run quota is used up. */
export class RunQuotaError extends Error {
  constructor(
    readonly quota: number,
    readonly resetsAt: Date,
  ) {
    super(quotaMessage(quota, resetsAt));
  }
}

export const quotaMessage = (quota: number, resetsAt: Date) =>
  `Not started: this workspace has used its monthly quota of ${quota.toLocaleString('en-US')} runs. It resets on ${resetsAt.toISOString().slice(0, 10)}; an operator can raise it.`;
