export * from './ids';
export * from './json';
export * from './events';
export * from './records';
export * from './executions';
export * from './steps';
export * from './run-state';
export * from './event-log';
