/**
 * Evaluated once in the worker's reusable workflow context, before the SDK freezes its globals
 * (the bundler's preloadModules). The SDK's promise hook captures a source-mapped stack trace for
 * every promise workflow code creates, only to answer Temporal's stack-trace query: about 1 ms of
 * CPU per run before its first action on the 2-core bench machine. The interpreter reports failures
 * by message, never by stack, so workflow code runs without traces. Activities keep theirs.
 */
Error.stackTraceLimit = 0;

export {};
