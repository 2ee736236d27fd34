import type { Config } from '@conduit/core/config';
import { createLogger, type Logger } from '@conduit/core/logging';

/** The launcher's logger: core's, in its text format (a person reads it), on stderr (stdout stays for the banner). */
export type StackLogger = Required<Logger>;

export function stackLogger(level: Config['LOG_LEVEL'], component: string): StackLogger {
  return createLogger({ level, component, format: 'text', write: (line) => process.stderr.write(`${line}\n`) });
}
