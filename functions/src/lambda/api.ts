import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '../app';
import { lambdaDeps } from './deps';
import { once } from './runtime';

/** The settings API (/api/*) on Lambda behind the HTTP API. */
const app = once(async () => handle(createApp(await lambdaDeps())));

export const handler = async (event: LambdaEvent, context?: LambdaContext) => (await app())(event, context);
