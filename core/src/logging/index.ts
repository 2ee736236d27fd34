/**
 * The one logger shape every part takes (API, ingress, dispatcher, sweeper, worker, local launcher),
 * built once per process and injected. Callers pass ids, counts and error messages as fields, never
 * a secret value.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export type Logger = {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Optional, so a test's quiet logger can be three no-ops. */
  debug?(msg: string, fields?: LogFields): void;
};

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LoggerOptions = {
  /** Entries below this level are dropped (default info). */
  level?: LogLevel;
  /** Which part wrote the entry ("worker", "dispatch"…). */
  component?: string;
  /**
   * json (default): one JSON object per line, `{ level, msg, component?, …fields, at }`, for log
   * collectors (CloudWatch, container logs). text: `<at> <level> [component] msg {fields}`, for a
   * person reading a terminal (the local launcher).
   */
  format?: 'json' | 'text';
  /** Where a line goes (default: console.error for errors, console.warn for warnings, console.log otherwise). */
  write?: (line: string, level: LogLevel) => void;
};

const toConsole = (line: string, level: LogLevel) => {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

export function createLogger(opts: LoggerOptions = {}): Required<Logger> {
  const min = ORDER[opts.level ?? 'info'];
  const write = opts.write ?? toConsole;
  const component = opts.component;
  const format =
    opts.format === 'text'
      ? (level: LogLevel, msg: string, at: string, fields?: LogFields) =>
          `${at} ${level.padEnd(5)} [${component ?? 'conduit'}] ${msg}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}`
      : (level: LogLevel, msg: string, at: string, fields?: LogFields) => JSON.stringify({ level, msg, ...(component ? { component } : {}), ...fields, at });
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    write(format(level, msg, new Date().toISOString(), fields), level);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
