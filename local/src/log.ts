import type { Config } from '@conduit/core/config';

type Level = Config['LOG_LEVEL'];
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
type Fields = Record<string, unknown>;

/** Both logging shapes the parts take: worker-style methods and the functions' `log(level, msg, fields)`. */
export type StackLogger = {
  (level: 'info' | 'warn' | 'error', msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
};

/** One line per entry on stderr (stdout stays for the banner), below the configured level dropped. */
export function createLogger(level: Level, component = 'conduit', write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): StackLogger {
  const emit = (l: Level, msg: string, fields?: Fields) => {
    if (ORDER[l] < ORDER[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${l.padEnd(5)} [${component}] ${msg}${extra}`);
  };
  const log = ((l: 'info' | 'warn' | 'error', msg: string, fields?: Fields) => emit(l, msg, fields)) as StackLogger;
  log.debug = (msg, fields) => emit('debug', msg, fields);
  log.info = (msg, fields) => emit('info', msg, fields);
  log.warn = (msg, fields) => emit('warn', msg, fields);
  log.error = (msg, fields) => emit('error', msg, fields);
  return log;
}
