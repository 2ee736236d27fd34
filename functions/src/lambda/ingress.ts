import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '../app';
import { lambdaDeps } from './deps';
import { once } from './runtime';

/**
 * The public webhook ingress (/hooks/*). Same app as the API, deployed as its own function so it has
 * its own concurrency limit: a webhook flood is throttled here and never starves the settings API.
 */
const app = once(async () => handle(createApp(await lambdaDeps())));

export const handler = async (event: LambdaEvent, context?: LambdaContext) => (await app())(event, context);
