export * from './message';
export * from './queue';
export * from './in-process';
export * from './sqs';
export * from './from-config';
