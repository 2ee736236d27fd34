export * from './app';
export * from './handler';
export * from './node';
export * from './signature';
export * from './hooks';
export * from './event-writer';
export * from './refusals';
