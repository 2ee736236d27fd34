// The schedule sync lives in core: the worker reconciles at start too, and it imports no other workspace.
export * from '@conduit/core/schedules';
export * from './fire-times';
