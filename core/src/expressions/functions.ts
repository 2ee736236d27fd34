import { DateTime, Duration, type DurationLikeObject } from 'luxon';
import type { Json } from '../definition/common';

/**
 * The functions a template can pipe a value through: `{{ value | name }}` or `{{ value | name: arg, arg }}`.
 * Pure and shared by the API's validation, the worker (inside the Temporal workflow sandbox, where
 * `Date.now()` is deterministic, so `now` replays) and the editor's preview. Dates go through Luxon,
 * never hand-written calendar code. A function that cannot apply to its value gives null, except the
 * string functions, which leave a value that is not text as it is (as the first filters always did).
 */
export type ExpressionFunction = {
  /** How many arguments it takes. */
  args: readonly [min: number, max: number];
  apply: (value: Json | undefined, args: readonly (Json | undefined)[]) => Json | undefined;
  /** One line for the docs and the editor's hint. */
  describe: string;
  /** The argument is the rest of the text, commas included (`default: Hello, world`). */
  wholeArgument?: boolean;
};

const DATE_UNITS = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'] as const;
type DateUnit = (typeof DATE_UNITS)[number];
const START_UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute'] as const;

/** "day", "days" or "d" style names → Luxon's plural unit. */
function unitOf(u: Json | undefined): DateUnit | null {
  if (typeof u !== 'string') return null;
  const s = u.trim().toLowerCase();
  const short: Record<string, DateUnit> = { y: 'years', mo: 'months', w: 'weeks', d: 'days', h: 'hours', m: 'minutes', s: 'seconds', ms: 'milliseconds' };
  if (short[s]) return short[s];
  const plural = (s.endsWith('s') ? s : `${s}s`) as DateUnit;
  return DATE_UNITS.includes(plural) ? plural : null;
}

const zoneOf = (z: Json | undefined): string => (typeof z === 'string' && z.trim() ? z.trim() : 'UTC');

/** A date-time from an ISO string or epoch milliseconds; null when it is neither. */
function dateOf(v: Json | undefined, zone = 'UTC'): DateTime | null {
  let d: DateTime;
  if (typeof v === 'number' && Number.isFinite(v)) d = DateTime.fromMillis(v, { zone });
  else if (typeof v === 'string' && v.trim()) d = DateTime.fromISO(v.trim(), { zone, setZone: false });
  else return null;
  return d.isValid ? d : null;
}

const iso = (d: DateTime): Json => (d.isValid ? d.toISO() : null);

/** `3, "days"` or an ISO-8601 duration `"P1M"`; null when neither. */
function durationOf(args: readonly (Json | undefined)[]): Duration | null {
  const [a, b] = args;
  if (typeof a === 'string' && b === undefined) {
    const d = Duration.fromISO(a.trim());
    return d.isValid ? d : null;
  }
  const n = numberOf(a);
  const unit = unitOf(b ?? 'days');
  if (n === null || !unit) return null;
  const like: DurationLikeObject = { [unit]: n };
  return Duration.fromObject(like);
}

function numberOf(v: Json | undefined): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

const numbersOf = (v: Json | undefined): number[] | null => {
  if (!Array.isArray(v)) return null;
  const out: number[] = [];
  for (const x of v) {
    const n = numberOf(x);
    if (n !== null) out.push(n);
  }
  return out;
};

const text = (v: Json | undefined, f: (s: string) => Json): Json | undefined => (typeof v === 'string' ? f(v) : v);

/** Digits after the point, 0–10, from an argument. */
const digitsOf = (d: Json | undefined): number => Math.min(10, Math.max(0, Math.trunc(numberOf(d ?? 0) ?? 0)));

/** Rounds half away from zero at `digits` decimals, without the 1.005 float surprise. */
function roundTo(n: number, digits: number, mode: 'round' | 'floor' | 'ceil'): number {
  const f = 10 ** digits;
  const scaled = Number((n * f).toPrecision(15));
  const r = mode === 'floor' ? Math.floor(scaled) : mode === 'ceil' ? Math.ceil(scaled) : Math.sign(scaled) * Math.round(Math.abs(scaled));
  return r / f;
}

const numeric =
  (mode: 'round' | 'floor' | 'ceil') =>
  (v: Json | undefined, [d]: readonly (Json | undefined)[]) => {
    const n = numberOf(v);
    return n === null ? null : roundTo(n, digitsOf(d), mode);
  };

const fieldOf = (item: Json | undefined, field: Json | undefined): Json | undefined => {
  if (item === null || typeof item !== 'object' || Array.isArray(item) || typeof field !== 'string') return undefined;
  const desc = Object.getOwnPropertyDescriptor(item, field);
  return desc && 'value' in desc ? (desc.value as Json) : undefined;
};

const sameJson = (a: Json | undefined, b: Json | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Equality as a person means it in a filter: "5" matches 5, "true" matches true. */
const looseSame = (a: Json | undefined, b: Json | undefined): boolean =>
  sameJson(a, b) || ((typeof a === 'number' || typeof a === 'boolean' || typeof a === 'string') && String(a) === String(b));

export const FUNCTIONS: Readonly<Record<string, ExpressionFunction>> = {
  // The first seven filters, unchanged.
  default: {
    args: [1, 1],
    wholeArgument: true,
    apply: (v, [arg]) => (v === undefined || v === null || v === '' ? (arg ?? null) : v),
    describe: 'the argument when the value is missing, null or empty text',
  },
  upper: { args: [0, 0], apply: (v) => text(v, (s) => s.toUpperCase()), describe: 'text in capitals' },
  lower: { args: [0, 0], apply: (v) => text(v, (s) => s.toLowerCase()), describe: 'text in small letters' },
  trim: { args: [0, 0], apply: (v) => text(v, (s) => s.trim()), describe: 'text without leading and trailing spaces' },
  json: { args: [0, 0], apply: (v) => (v === undefined ? '' : JSON.stringify(v)), describe: 'the value as JSON text' },
  number: { args: [0, 0], apply: (v) => numberOf(v), describe: 'the value as a number (null when it is not one)' },
  length: {
    args: [0, 0],
    apply: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
    describe: 'characters of a text, items of a list, keys of an object',
  },

  // Dates (ISO text or epoch milliseconds in; ISO text out).
  date_add: {
    args: [1, 2],
    apply: (v, args) => {
      const d = dateOf(v);
      const dur = durationOf(args);
      return d && dur ? iso(d.plus(dur)) : null;
    },
    describe: 'the date plus an amount of a unit (3, "days") or an ISO duration ("P1M")',
  },
  date_subtract: {
    args: [1, 2],
    apply: (v, args) => {
      const d = dateOf(v);
      const dur = durationOf(args);
      return d && dur ? iso(d.minus(dur)) : null;
    },
    describe: 'the date minus an amount of a unit or an ISO duration',
  },
  start_of: {
    args: [1, 2],
    apply: (v, [unit, zone]) => {
      const u = typeof unit === 'string' ? unit.trim().toLowerCase().replace(/s$/, '') : '';
      const d = dateOf(v)?.setZone(zoneOf(zone));
      if (!d?.isValid || !(START_UNITS as readonly string[]).includes(u)) return null;
      // Weeks start on Monday (ISO).
      return iso(d.startOf(u as (typeof START_UNITS)[number]));
    },
    describe: 'the start of the day, week (Monday), month, quarter or year of the date in a time zone',
  },
  format_date: {
    args: [1, 3],
    apply: (v, [pattern, zone, locale]) => {
      const d = dateOf(v)?.setZone(zoneOf(zone));
      if (!d?.isValid || typeof pattern !== 'string') return null;
      return d.toFormat(pattern, { locale: typeof locale === 'string' ? locale : 'en-US' });
    },
    describe: 'the date as text with a Luxon pattern ("yyyy-MM-dd HH:mm"), in a time zone and locale',
  },
  date_diff: {
    args: [1, 2],
    apply: (v, [other, unit]) => {
      const a = dateOf(v);
      const b = dateOf(other);
      const u = unitOf(unit ?? 'days');
      if (!a || !b || !u) return null;
      return roundTo(a.diff(b, u).as(u), 6, 'round');
    },
    describe: 'the value date minus the argument date, in a unit (days by default)',
  },

  // Numbers.
  round: { args: [0, 1], apply: numeric('round'), describe: 'rounded to a number of decimals (0 by default)' },
  floor: { args: [0, 1], apply: numeric('floor'), describe: 'rounded down' },
  ceil: { args: [0, 1], apply: numeric('ceil'), describe: 'rounded up' },
  min: {
    args: [0, 1],
    apply: (v, args) => {
      const ns = args.length ? [numberOf(v), numberOf(args[0])].filter((n): n is number => n !== null) : numbersOf(v);
      return ns?.length ? Math.min(...ns) : null;
    },
    describe: 'the smallest number of a list, or the smaller of the value and the argument',
  },
  max: {
    args: [0, 1],
    apply: (v, args) => {
      const ns = args.length ? [numberOf(v), numberOf(args[0])].filter((n): n is number => n !== null) : numbersOf(v);
      return ns?.length ? Math.max(...ns) : null;
    },
    describe: 'the largest number of a list, or the larger of the value and the argument',
  },
  sum: {
    args: [0, 1],
    apply: (v, [field]) => {
      if (!Array.isArray(v)) return null;
      const ns = numbersOf(field === undefined ? v : v.map((x) => fieldOf(x, field) ?? null)) ?? [];
      return roundTo(
        ns.reduce((a, b) => a + b, 0),
        10,
        'round',
      );
    },
    describe: 'the sum of a list of numbers, or of one field of a list of objects',
  },
  format_number: {
    args: [0, 2],
    apply: (v, [locale, digits]) => {
      const n = numberOf(v);
      if (n === null) return null;
      const d = digits === undefined ? undefined : digitsOf(digits);
      try {
        return new Intl.NumberFormat(
          typeof locale === 'string' ? locale : 'en-US',
          d === undefined ? {} : { minimumFractionDigits: d, maximumFractionDigits: d },
        ).format(n);
      } catch {
        return null;
      }
    },
    describe: 'the number as text in a locale ("de-DE"), optionally with a fixed number of decimals',
  },

  // Text.
  split: {
    args: [0, 1],
    apply: (v, [sep]) => text(v, (s) => s.split(typeof sep === 'string' ? sep : ',').map((x) => (sep === undefined ? x.trim() : x))),
    describe: 'text cut into a list at a separator ("," by default, pieces trimmed)',
  },
  join: {
    args: [0, 1],
    apply: (v, [sep]) =>
      Array.isArray(v) ? v.map((x) => (x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x))).join(typeof sep === 'string' ? sep : ', ') : v,
    describe: 'a list joined into text (", " by default)',
  },
  replace: {
    args: [2, 2],
    apply: (v, [find, by]) => text(v, (s) => (typeof find === 'string' && find ? s.split(find).join(by == null ? '' : String(by)) : s)),
    describe: 'text with every occurrence of the first argument replaced by the second',
  },
  slug: {
    args: [0, 0],
    apply: (v) =>
      text(v, (s) =>
        s
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, ''),
      ),
    describe: 'text as a URL slug ("Crème Brûlée!" → "creme-brulee")',
  },
  truncate: {
    args: [1, 2],
    apply: (v, [n, end]) => {
      const max = Math.max(0, Math.trunc(numberOf(n) ?? 0));
      const tail = typeof end === 'string' ? end : '…';
      return text(v, (s) => ([...s].length <= max ? s : [...s].slice(0, Math.max(0, max - [...tail].length)).join('') + tail));
    },
    describe: 'text cut to at most n characters, ending in "…" (or the second argument) when cut',
  },

  // Lists.
  first: { args: [0, 0], apply: (v) => (Array.isArray(v) ? (v[0] ?? null) : null), describe: 'the first item of a list' },
  last: { args: [0, 0], apply: (v) => (Array.isArray(v) ? (v.at(-1) ?? null) : null), describe: 'the last item of a list' },
  pluck: {
    args: [1, 1],
    apply: (v, [field]) => (Array.isArray(v) ? v.map((x) => fieldOf(x, field) ?? null) : null),
    describe: 'one field of every object of a list',
  },
  where: {
    args: [2, 2],
    apply: (v, [field, value]) => (Array.isArray(v) ? v.filter((x) => looseSame(fieldOf(x, field), value)) : null),
    describe: 'the objects of a list whose field equals the value',
  },
  unique: {
    args: [0, 0],
    apply: (v) => {
      if (!Array.isArray(v)) return null;
      const seen = new Set<string>();
      return v.filter((x) => {
        const k = JSON.stringify(x);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    },
    describe: 'the list without repeated items (first kept)',
  },
};

/** The current instant as ISO text: `{{now}}`. Deterministic inside Temporal workflow code. */
export const nowIso = (): string => new Date(Date.now()).toISOString();
