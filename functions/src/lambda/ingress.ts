import { Hono } from 'hono';
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createIngress } from '../ingress';
import { lambdaConfig, lambdaDb, lambdaLogger, lambdaQueue, lambdaSecrets, withTracing } from './services';
import { once } from './runtime';

/**
 * The public webhook ingress (/hooks/*), on its own function with its own concurrency limit, so a
 * webhook flood is throttled here and never starves the settings API. It mounts the ingress app
 * alone (the event is stored, answered 202, then published to SQS): no Temporal client is loaded,
 * which keeps its cold start short.
 */
const app = once(async () => {
  const [config, { db }, queue, secrets, log] = await Promise.all([lambdaConfig(), lambdaDb(), lambdaQueue(), lambdaSecrets(), lambdaLogger()]);
  // A frozen function runs no timers: a refused call waits for a due flush of the refusal counts instead.
  return handle(new Hono().route('/hooks', createIngress({ db, queue, config, secrets, log, awaitRefusalFlush: true })));
});

export const handler = withTracing(async (event: LambdaEvent, context?: LambdaContext) => (await app())(event, context));
