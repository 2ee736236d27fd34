import type { SSTConfig } from 'sst';
import { mountStacks } from './infra/src/stacks';

/**
 * SST v2 (the CDK line). Deploy: `npm run deploy -w infra` (= `sst deploy --stage prod`).
 * Settings come from CONDUIT_* environment variables (infra/src/settings.ts); secrets are
 * referenced from Secrets Manager and SSM, never read here. See docs/deploy.md.
 */
export default {
  config(input) {
    return {
      name: 'conduit',
      region: input.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(input.stage ? { stage: input.stage } : {}),
    };
  },
  async stacks(app) {
    await mountStacks(app);
  },
} satisfies SSTConfig;
