export * from './app';
export * from './signature';
export * from './hooks';
export * from './event-writer';
