import type { Client } from '@temporalio/client';
import { temporalClient } from '../deps';
import { lambdaConfig } from './services';
import { once } from './runtime';

/**
 * The Temporal client (lazy connection: Temporal Cloud with an API key over TLS, or a self-hosted
 * cluster). Its own module: only the entries that start runs import it, so the ingress and the
 * sweeper bundle no gRPC client.
 */
export const lambdaTemporal = once(async (): Promise<Client> => temporalClient(await lambdaConfig()));
