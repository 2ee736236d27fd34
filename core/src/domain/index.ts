export * from './ids';
export * from './json';
export * from './events';
export * from './records';
export * from './executions';
