import { use, type StackContext } from 'sst/constructs';
import { WebConstruct } from '../web';
import { Api } from './api';
import { stackSetup } from './context';

/** The web app on S3 + CloudFront, with /api and /hooks forwarded to the HTTP API. */
export function Web(ctx: StackContext) {
  const { settings } = stackSetup(ctx);
  const { api } = use(Api);
  const web = new WebConstruct(ctx.stack, 'Web', { settings, apiOriginHost: api.originHost });
  return { web };
}
