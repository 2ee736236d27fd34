export * from './path';
export * from './template';
export * from './conditions';
