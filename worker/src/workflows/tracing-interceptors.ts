/**
 * The workflow side of tracing (a workflow interceptor module in the bundle): Temporal's
 * OpenTelemetry interceptors, switched on per run by the start header they read. A run started by a
 * traced client carries `_tracer-data`; its workflow span continues the dispatcher's trace and gets
 * the execution and event ids, and its activities get them through a header. A run without the
 * header (tracing off) takes exactly the path it took before: no span, no sink call, no extra
 * header. The decision comes from history, so replay makes the same one.
 */
import { trace } from '@opentelemetry/api';
import { defaultPayloadConverter } from '@temporalio/common';
import {
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

/** The header Temporal's client interceptor writes (TRACE_HEADER in @temporalio/interceptors-opentelemetry). */
const TRACE_HEADER = '_tracer-data';

type Method = (input: unknown, next: (input: unknown) => unknown) => unknown;

/** Each method of `proto`, delegating to the real interceptor only while `on()`; otherwise straight to next. */
function gated<T extends object>(proto: object, real: () => T, on: () => boolean): T {
  const out: Record<string, Method> = {};
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor') continue;
    out[name] = (input, next) => (on() ? (real() as unknown as Record<string, Method>)[name]!(input, next) : next(input));
  }
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
  let otel: { inbound: OpenTelemetryInboundInterceptor; outbound: OpenTelemetryOutboundInterceptor; internals: OpenTelemetryInternalsInterceptor } | undefined;
  const real = () =>
    (otel ??= {
      inbound: new OpenTelemetryInboundInterceptor(),
      outbound: new OpenTelemetryOutboundInterceptor(),
      internals: new OpenTelemetryInternalsInterceptor(),
    });
  const on = () => traced;

  const inbound: WorkflowInboundCallsInterceptor = {
    ...gated(OpenTelemetryInboundInterceptor.prototype, () => real().inbound, on),
    execute(input, next) {
      traced = TRACE_HEADER in input.headers;
      if (!traced) return next(input);
      attrs = runAttributes(input.args);
      return real().inbound.execute(input, (i) => {
        // Inside the interceptor's span: the workflow span.
        trace.getActiveSpan()?.setAttributes(attrs);
        return next(i);
      });
    },
  };

  const withAttributes = <I extends ActivityInput | LocalActivityInput>(input: I): I =>
    ({ ...input, headers: { ...input.headers, [RUN_ATTRIBUTES_HEADER]: defaultPayloadConverter.toPayload(attrs) } }) as I;
  const outboundGated = gated(OpenTelemetryOutboundInterceptor.prototype, () => real().outbound, on);
  const outbound: WorkflowOutboundCallsInterceptor = {
    ...outboundGated,
    scheduleActivity(input, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
      return traced ? real().outbound.scheduleActivity(withAttributes(input), next) : next(input);
    },
    scheduleLocalActivity(input, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) {
      return traced ? real().outbound.scheduleLocalActivity(withAttributes(input), next) : next(input);
    },
  };
  const internals: WorkflowInternalsInterceptor = gated(OpenTelemetryInternalsInterceptor.prototype, () => real().internals, on);
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
