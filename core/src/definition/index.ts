export * from './common';
export * from '../triggers';
export * from './conditions';
export * from '../actions';
export * from './definition';
export * from './payloads';
export * from './run';
export * from './errors';
