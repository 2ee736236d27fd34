export * from './start-run';
export * from './manual-run';
