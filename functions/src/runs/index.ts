export * from './start-run';
export * from './manual-run';
export * from './promoter';
export * from './quota-warning';
export * from './quota-error';
