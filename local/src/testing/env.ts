/** Addresses of the services global-setup started (see global-setup.ts). */
function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests through vitest (the root config starts the services)`);
  return v;
}
export const testEnv = {
  databaseServerUrl: () => need('TEST_DATABASE_URL'),
  temporalAddress: () => need('TEST_TEMPORAL_ADDRESS'),
  sqsEndpoint: () => need('TEST_SQS_ENDPOINT'),
};
