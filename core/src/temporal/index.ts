export * from './names';
export * from './run-input';
