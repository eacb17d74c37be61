/**
 * Parsers for setting values. Each takes the raw text and returns the typed value or throws
 * an Error whose message completes "<VARIABLE>: …" (the config loader adds the name).
 */

const show = (raw: string): string => JSON.stringify(raw);

const DURATION = /^(\d+)\s*([smhd]?)$/i;
const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION_HINT = 'a duration like 900, 10s, 15m, 12h or 14d';

/**
 * The longest duration a Node timer can wait (2^31 − 1 ms, about 24.8 days), in whole seconds.
 * A longer one fires after 1 ms instead, so a setting that feeds a timer is capped at this.
 */
export const TIMER_MAX_MS = 2 ** 31 - 1;
export const TIMER_MAX_SECONDS = Math.floor(TIMER_MAX_MS / 1000);

/** Seconds from `900`, `10s`, `15m`, `12h` or `14d`; `max` for a setting that feeds a timer. */
export function parseDuration(raw: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const m = DURATION.exec(raw);
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(seconds)) throw new Error(`expected ${DURATION_HINT}, got ${show(raw)}`);
  if (seconds < min) throw new Error(`expected at least ${min} second(s), got ${show(raw)}`);
  if (seconds > max) throw new Error(`expected at most ${max} seconds (${Math.floor(max / 86400)}d and a bit, as far as a timer reaches), got ${show(raw)}`);
  return seconds;
}

/** A duration that feeds a timer (a poll, a timeout): at most {@link TIMER_MAX_SECONDS}. */
export const parseTimerDuration = (raw: string, { min = 0 } = {}): number => parseDuration(raw, { min, max: TIMER_MAX_SECONDS });

const SIZE = /^(\d+)\s*(b|kb|mb|gb)?$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes from `512`, `512b`, `16kb`, `1mb` (1 kb = 1024 bytes, as in the `bytes` package). */
export function parseByteSize(raw: string): number {
  const m = SIZE.exec(raw);
  const bytes = m ? Number(m[1]) * UNIT_BYTES[(m[2] ?? 'b').toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new Error(`expected a size like 16kb, 1mb, 512b or a number of bytes, got ${show(raw)}`);
  }
  return bytes;
}

/** `<count>/<duration>`, e.g. `10/15m`. */
export function parseRate(raw: string): { count: number; windowSeconds: number } {
  const [count, window, extra] = raw.split('/').map((part) => part.trim());
  const n = /^\d+$/.test(count ?? '') ? Number(count) : NaN;
  let windowSeconds = NaN;
  try {
    windowSeconds = parseDuration(window ?? '', { min: 1 });
  } catch {
    /* reported below with the whole value */
  }
  if (extra !== undefined || !Number.isSafeInteger(n) || n < 1 || Number.isNaN(windowSeconds)) {
    throw new Error(`expected <count>/<duration> like 10/15m, got ${show(raw)}`);
  }
  // The in-memory counters expire by timer: a longer window would expire them after 1 ms,
  // which is no limit at all.
  if (windowSeconds > TIMER_MAX_SECONDS) throw new Error(`the window may be at most ${TIMER_MAX_SECONDS} seconds (24d and a bit), got ${show(raw)}`);
  return { count: n, windowSeconds };
}

/** An integer within [min, max]. */
export function parseInteger(raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new Error(`expected an integer ${range}, got ${show(raw)}`);
  }
  return n;
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

export function parseBoolean(raw: string): boolean {
  const v = raw.toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new Error(`expected true or false, got ${show(raw)}`);
}

/** One of `choices`, case-insensitive; returns the choice as spelled in `choices`. */
export function parseChoice<T extends string>(raw: string, choices: readonly T[]): T {
  const found = choices.find((c) => c.toLowerCase() === raw.toLowerCase());
  if (found === undefined) throw new Error(`expected one of ${choices.join(', ')}, got ${show(raw)}`);
  return found;
}

/** `false` (0), `true` (1) or a number of trusted proxies. */
export function parseTrustProxy(raw: string): number {
  const v = raw.toLowerCase();
  if (v === 'false') return 0;
  if (v === 'true') return 1;
  if (/^\d+$/.test(v) && Number(v) <= 100) return Number(v);
  throw new Error(`expected false, true or a number of proxies (0-100), got ${show(raw)}`);
}

/** `raw` itself when it matches `pattern`; `expected` describes the pattern to the user. */
export function parsePattern(raw: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(raw)) throw new Error(`expected ${expected}, got ${show(raw)}`);
  return raw;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A comma-separated list of header names over `defaults`: entries written `+Name` add to the
 * defaults; any plain entry makes the list exactly what is written (plus the `+` ones).
 */
export function parseHeaderNames(raw: string, defaults: readonly string[]): string[] {
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const added = entries.filter((e) => e.startsWith('+')).map((e) => e.slice(1).trim());
  const plain = entries.filter((e) => !e.startsWith('+'));
  for (const name of [...added, ...plain]) {
    if (!TOKEN.test(name)) throw new Error(`expected header names (comma-separated, +Name to add to the defaults), got ${show(name)}`);
  }
  return [...new Set([...(plain.length > 0 ? plain : defaults), ...added])];
}
