export * from './path';
export * from './template';
export * from './conditions';
// The definition helpers run-time code needs, from their zod-free files: this entry must stay free of
// zod so the Temporal workflow bundle (re-evaluated for every run) does not build schemas.
export { walkActions } from '../definition/walk';
export { parseDuration } from '../definition/duration';
export * from './functions';
