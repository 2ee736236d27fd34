/**
 * The workflow side of tracing (a workflow interceptor module in the bundle): Temporal's
 * OpenTelemetry interceptors, switched on per run by the start header they read. A run started by a
 * traced client carries `_tracer-data`; its workflow span continues the dispatcher's trace and gets
 * the execution and event ids, and its activities get them through a header. A run without the
 * header (tracing off) takes exactly the path it took before: no span, no sink call, no extra
 * header. The decision comes from history, so replay makes the same one.
 *
 * OpenTelemetry is loaded only by a traced run: the SDK evaluates every module of the bundle again
 * for each run, and the OpenTelemetry packages (about 110 modules) cost about 2.5 ms of CPU per run
 * to evaluate, most of a run's module evaluation, for runs that never make a span.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { RUN_ATTRIBUTES_HEADER, TRACE_ATTR } from '@conduit/core/tracing-attributes';

type OtelWorkflow = typeof import('@temporalio/interceptors-opentelemetry/lib/workflow');
type OtelApi = typeof import('@opentelemetry/api');

/*
 * Loaded on first use within a run (the bundler includes them; the SDK's per-run module cache makes
 * each run evaluate them afresh, as a static import did, but only when the run is traced).
 */
declare const require: (id: string) => unknown;
const loadOtel = () => ({
  workflow: require('@temporalio/interceptors-opentelemetry/lib/workflow') as OtelWorkflow,
  api: require('@opentelemetry/api') as OtelApi,
});

/**
 * The methods of Temporal's OpenTelemetry interceptor classes, named here so an untraced run need
 * not load them to know (test/workflow-bundle.test.ts checks these against the classes).
 */
export const OTEL_METHODS = {
  inbound: ['execute', 'handleSignal', 'handleUpdate', 'validateUpdate', 'handleQuery'],
  outbound: [
    'scheduleActivity',
    'scheduleLocalActivity',
    'startNexusOperation',
    'startChildWorkflowExecution',
    'continueAsNew',
    'signalWorkflow',
    'getLogAttributes',
    'getMetricTags',
  ],
  internals: ['dispose'],
} as const;

/** The header Temporal's client interceptor writes (TRACE_HEADER in @temporalio/interceptors-opentelemetry). */
const TRACE_HEADER = '_tracer-data';

type Method = (input: unknown, next: (input: unknown) => unknown) => unknown;

/** Each named method, delegating to the real interceptor only while `on()`; otherwise straight to next. */
function gated<T extends object>(names: readonly string[], real: () => T, on: () => boolean): T {
  const out: Record<string, Method> = {};
  for (const name of names) out[name] = (input, next) => (on() ? (real() as unknown as Record<string, Method>)[name]!(input, next) : next(input));
  return out as T;
}

/** execution and event ids from the run input (absent on a child run until it makes its own). */
function runAttributes(args: unknown[]): Record<string, string> {
  const input = (args[0] ?? {}) as { executionId?: unknown; eventId?: unknown; workspaceId?: unknown; workflowId?: unknown };
  const attrs: Record<string, string> = {};
  if (typeof input.executionId === 'string') attrs[TRACE_ATTR.executionId] = input.executionId;
  if (typeof input.eventId === 'string') attrs[TRACE_ATTR.eventId] = input.eventId;
  if (typeof input.workspaceId === 'string') attrs[TRACE_ATTR.workspaceId] = input.workspaceId;
  if (typeof input.workflowId === 'string') attrs[TRACE_ATTR.workflowId] = input.workflowId;
  return attrs;
}

export const interceptors = (): WorkflowInterceptors => {
  // Per run: the factory is called for each workflow execution.
  let traced = false;
  let attrs: Record<string, string> = {};
  let otel:
    | { api: OtelApi; inbound: OpenTelemetryInboundInterceptor; outbound: OpenTelemetryOutboundInterceptor; internals: OpenTelemetryInternalsInterceptor }
    | undefined;
  const real = () => {
    if (otel) return otel;
    const { workflow, api } = loadOtel();
    otel = {
      api,
      inbound: new workflow.OpenTelemetryInboundInterceptor(),
      outbound: new workflow.OpenTelemetryOutboundInterceptor(),
      internals: new workflow.OpenTelemetryInternalsInterceptor(),
    };
    return otel;
  };
  const on = () => traced;

  const inbound: WorkflowInboundCallsInterceptor = {
    ...gated(OTEL_METHODS.inbound, () => real().inbound, on),
    execute(input, next) {
      traced = TRACE_HEADER in input.headers;
      if (!traced) return next(input);
      attrs = runAttributes(input.args);
      return real().inbound.execute(input, (i) => {
        // Inside the interceptor's span: the workflow span.
        real().api.trace.getActiveSpan()?.setAttributes(attrs);
        return next(i);
      });
    },
  };

  const withAttributes = <I extends ActivityInput | LocalActivityInput>(input: I): I =>
    ({ ...input, headers: { ...input.headers, [RUN_ATTRIBUTES_HEADER]: defaultPayloadConverter.toPayload(attrs) } }) as I;
  const outboundGated = gated(OTEL_METHODS.outbound, () => real().outbound, on);
  const outbound: WorkflowOutboundCallsInterceptor = {
    ...outboundGated,
    scheduleActivity(input, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
      return traced ? real().outbound.scheduleActivity(withAttributes(input), next) : next(input);
    },
    scheduleLocalActivity(input, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) {
      return traced ? real().outbound.scheduleLocalActivity(withAttributes(input), next) : next(input);
    },
  };
  const internals: WorkflowInternalsInterceptor = gated(OTEL_METHODS.internals, () => real().internals, on);
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
