export * from './secrets';
export * from './webhook-signing';
