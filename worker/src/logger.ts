import type { Logger } from './activities/types';

/** One JSON line per entry; values are redacted by the callers (they never pass secrets). */
const line = (level: string) => (msg: string, data?: Record<string, unknown>) =>
  console[level === 'error' ? 'error' : 'log'](JSON.stringify({ level, msg, ...data, at: new Date().toISOString() }));
export const consoleLogger: Logger = { info: line('info'), warn: line('warn'), error: line('error') };
