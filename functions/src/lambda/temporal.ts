import { Client, Connection } from '@temporalio/client';
import { lambdaConfig } from './services';
import { once } from './runtime';

// Its own module: only the entries that start runs import it, so the others bundle no gRPC client.
/** A Temporal client for Temporal Cloud (API key over TLS) or a self-hosted cluster. */
export const lambdaTemporal = once(async (): Promise<Client> => {
  const config = await lambdaConfig();
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY, tls: true } : {}),
  });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
});
