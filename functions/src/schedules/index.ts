export * from './sync';
export * from './fire-times';
