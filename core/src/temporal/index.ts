export * from './names';
export * from './run-input';
export * from './priority';
