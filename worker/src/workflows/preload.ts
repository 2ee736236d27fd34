/**
 * Evaluated once in the worker's reusable workflow context, before the SDK freezes its globals
 * (the bundler's preloadModules). The SDK's promise hook captures a source-mapped stack trace for
 * every promise workflow code creates, only to answer Temporal's stack-trace query: about 1 ms of
 * CPU per run before its first action on the 2-core bench machine. The interpreter reports failures
 * by message, never by stack, so workflow code runs without traces. Activities keep theirs.
 */
Error.stackTraceLimit = 0;

/*
 * Every module not loaded here is evaluated again for each run (its own module cache per workflow).
 * These hold no per-run state (pure functions, constants, classes; OpenTelemetry keeps its globals
 * on globalThis, which the SDK swaps per workflow), so they are shared: about 3 ms of CPU per run
 * was spent evaluating them (bench/README: per-workflow module evaluation). Modules with module
 * state (the workflow code itself, Temporal's OpenTelemetry interceptor module) stay per run.
 */
import * as luxon from 'luxon';
import * as actionMeta from '@conduit/core/action-meta';
import * as expressions from '@conduit/core/expressions';
import * as traceAttributes from '@conduit/core/tracing-attributes';

// Referenced, so the bundler keeps them (these packages declare themselves free of side effects).
export const preloaded = [luxon, actionMeta, expressions, traceAttributes];
