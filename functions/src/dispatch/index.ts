export * from './dispatcher';
export * from './sweeper';
export * from './replay';
