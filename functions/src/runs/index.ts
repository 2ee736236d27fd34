export * from '@conduit/core/run-starter';
export * from './manual-run';
export * from '@conduit/core/run-promoter';
export * from './quota-warning';
export * from '@conduit/core/run-quota';
