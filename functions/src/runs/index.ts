export * from './start-run';
