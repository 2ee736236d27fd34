export * from './dispatcher';
export * from './sweeper';
export * from './match';
export * from './replay';
