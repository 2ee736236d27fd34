import type { Context as ActivityContext } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, InjectedSinks, Next, WorkerOptions } from '@temporalio/worker';
import { trace, type Attributes } from '@opentelemetry/api';
import { RUN_ATTRIBUTES_HEADER, TRACE_ATTR, type Tracing } from '@conduit/core/tracing';

/** Temporal's activity span, with the run's execution and event ids on it. */
class ActivityTracing extends OpenTelemetryActivityInboundInterceptor {
  override execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return super.execute(input, (i) => {
      trace.getActiveSpan()?.setAttributes(activityAttributes(i));
      return next(i);
    });
  }
}

function activityAttributes(input: ActivityExecuteInput): Attributes {
  const header = input.headers[RUN_ATTRIBUTES_HEADER];
  const fromRun = header ? (defaultPayloadConverter.fromPayload(header) as Attributes) : {};
  // A child run makes its execution id inside the workflow: the activity's own argument is the truth.
  const run = (input.args[0] as { run?: { executionId?: unknown } } | undefined)?.run;
  return typeof run?.executionId === 'string' ? { ...fromRun, [TRACE_ATTR.executionId]: run.executionId } : fromRun;
}

/**
 * The worker's part of tracing. On: activity spans (children of the workflow's) and the sink that
 * exports the workflow sandbox's spans through the process's span processor. Off: only a sink
 * that drops spans, for runs a traced client started while this worker traces nothing.
 */
export function tracingWorkerOptions(
  tracing: Tracing | null,
): Pick<WorkerOptions, 'sinks'> & { activityInterceptors: NonNullable<WorkerOptions['interceptors']>['activity'] } {
  if (!tracing) {
    const sinks: InjectedSinks<{ exporter: { export(spans: unknown[]): void } }> = { exporter: { export: { fn: () => {}, callDuringReplay: false } } };
    return { sinks, activityInterceptors: [] };
  }
  return {
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
    activityInterceptors: [(ctx: ActivityContext) => ({ inbound: new ActivityTracing(ctx) })],
  };
}
