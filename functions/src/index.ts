export { createApp } from './app';
export { temporalClient, type AppDeps, type Logger } from './deps';
