import fc from 'fast-check';

/** Names that reach the prototype chain or built-ins when a program follows them blindly. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
export const INHERITED_NAMES = [
  ...PROTO_KEYS,
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'toLocaleString',
] as const;

/** Unicode that breaks naive code: NUL, lone surrogates, RTL overrides, zero-width, combining marks, emoji, BOM. */
export const ODD_STRINGS = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  'a\uD83D',
  '\u202E\u0041\u0042',
  '\u200B\u200C\u200D',
  '\uFEFF',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '𝕏',
  '\r\n\r\n',
  '\t',
  '%00',
  '%',
  '%ZZ',
  '../../etc/passwd',
  '..%2F..%2F',
  '<script>alert(1)</script>',
  "' or 1=1 --",
  '"; drop table workflows; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, literal on purpose
  '${7*7}',
  '{{constructor.constructor("return process")()}}',
  '{{trigger.__proto__}}',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  '9007199254740993',
  'true',
  'null',
  '[]',
  '{}',
] as const;

export const oddString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...ODD_STRINGS),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
    fc.constantFrom(...INHERITED_NAMES),
  );

/** Sizes that are past any sane limit but still cheap to build in a test. */
export const hugeString = (): fc.Arbitrary<string> =>
  fc.constantFrom(10_000, 100_000, 1_100_000).chain((n) => fc.constantFrom('a', 'é', '💥', '\u0000').map((ch) => ch.repeat(n)));

/** Numbers that are not what a schema means by a number. */
const oddNumber = (): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(-1, 0, -0, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MIN_VALUE), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** An object whose own keys are prototype-chain names, as JSON text (JSON.parse keeps "__proto__" as an own key). */
export const pollutingJson = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...PROTO_KEYS),
      fc.dictionary(fc.constantFrom('polluted', 'isAdmin', 'role', 'toString'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    )
    .map(([key, inner]) => `{"${key}":${JSON.stringify(inner)},"constructor":{"prototype":{"polluted":true}}}`);

/** A value of a different JSON type than `kind`. */
export function wrongType(kind: string | undefined): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.oneof(fc.constant(''), oddString(), hugeString()),
    number: oddNumber(),
    integer: fc.oneof(oddNumber(), fc.constant(1.5)),
    boolean: fc.boolean(),
    null: fc.constant(null),
    array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
    object: fc.dictionary(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 5 })), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  };
  const kinds = Object.keys(all).filter((k) => k !== kind && !(kind === 'number' && k === 'integer') && !(kind === 'integer' && k === 'number'));
  return fc.constantFrom(...kinds).chain((k) => all[k]!);
}

/** Whether the global Object prototype has been written to (a polluted process answers true). */
export function prototypePolluted(): boolean {
  const probe: Record<string, unknown> = {};
  return ['polluted', 'isAdmin', 'role'].some((k) => k in probe) || Object.keys(Object.prototype).length > 0;
}
