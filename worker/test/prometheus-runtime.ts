// Imported first by metrics.test.ts: the Temporal Runtime is installed once per process, so the
// Prometheus exporter must be set before the harness installs its plain one.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { freePort } from '@conduit/local/testing';

export const prometheusBind = `127.0.0.1:${await freePort()}`;
Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { metrics: { prometheus: { bindAddress: prometheusBind } } } });
