import type { Config } from '@conduit/core/config';
import type { SecretBox } from '@conduit/core/crypto';
import type { Db } from '@conduit/core/db';
import { storableText } from '@conduit/core/domain';
import type { EventQueue } from '@conduit/core/events';
import type { Logger } from '@conduit/core/logging';
import type { ActionType, Json, WorkflowAction } from '@conduit/core/definition';
import type { RunRef, StepMeta } from '../workflows/contract';
import type { Mailer } from './mailer';
import type { SafeHttp } from './safe-http';
import type { ScriptSandbox } from './sandbox';

/** The part of the event queue the worker needs: record events go out after their commit. */
export type EventPublisher = Pick<EventQueue, 'publish'>;

export type { Logger } from '@conduit/core/logging';

export type ActivityDeps = {
  db: Db;
  queue: EventPublisher;
  config: Config;
  mailer: Mailer;
  http: SafeHttp;
  sandbox: ScriptSandbox;
  logger: Logger;
  /** Opens workflow secrets (the signing secret); null without ENCRYPTION_KEY. */
  secrets: SecretBox | null;
  /** Told when a run begins and ends (after commit), for the worker's metrics; absent = nobody listens. */
  runEvents?: RunEvents;
};

export type RunEvents = {
  began(): void;
  /** The run ended and freed its workspace's slot (a queued run of the workspace may start now). */
  finished(status: 'completed' | 'failed' | 'cancelled', workspaceId: string): void;
  /** The run began a durable wait (ActionMeta.waitsDurably) and holds no slot while it waits. */
  waiting?(workspaceId: string): void;
};

export type StepContext = {
  run: RunRef;
  step: StepMeta;
  attempt: number;
  signal: AbortSignal;
  scriptInput?: { trigger: Json; steps: Json; item?: Json; index?: number };
  /** Values the handler obtains at call time (an OAuth2 access token): masked in the output and error like secrets. */
  conceal?: (label: string, value: string) => void;
};

/** An action's effect. Returns the step's output; throw StepError for a clear, final failure. */
export type HandlerResult = { output: Json; logs?: string[] };
export type ActionHandler<T extends ActionType> = (
  action: Extract<WorkflowAction, { type: T }>,
  ctx: StepContext,
  deps: ActivityDeps,
) => Promise<HandlerResult>;

/** A failure with a message meant for the user; `retryable` false ends retries at once. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
    readonly retryAfterMs?: number,
  ) {
    // The message is stored (step row, run output): user text in it must not break that write.
    super(storableText(message));
    this.name = 'StepError';
  }
}

/**
 * The step's identity for idempotency keys: its action id, and inside a loop its row path too
 * ("actions[2]#3.steps[0]"), so each iteration's effect is its own (and a retried one is the same).
 */
export const stepKey = (step: StepMeta): string => (step.path.includes('#') ? `${step.actionId}@${step.path}` : step.actionId);
