export { createApp } from './app';
export { buildDeps, temporalClient, type AppDeps, type BuiltDeps, type Logger } from './deps';
