export * from './app';
export * from './signature';
