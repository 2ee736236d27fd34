import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '../app';
import { buildDeps } from '../deps';
import { lambdaConfig } from './services';
import { once } from './runtime';

/** The settings API (/api/*) on Lambda behind the HTTP API: the same app as local, built from the config. */
const app = once(async () => handle(createApp(await buildDeps(await lambdaConfig()))));

export const handler = async (event: LambdaEvent, context?: LambdaContext) => (await app())(event, context);
