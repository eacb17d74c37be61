/** Fields that may hold a secret wherever they appear. */
export const SECRET_FIELDS: readonly string[] = ['password', 'accessToken', 'refreshToken', 'token', 'passwordHash', 'secret', 'privateKeyPem'];
const SECRET_FIELD_SET = new Set(SECRET_FIELDS);

/** Headers that carry credentials, on requests and responses alike (inside any `headers` object). */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'x-refresh-token', 'x-access-token']);

export const CENSOR = '[Redacted]';

/** Deeper than any object tokengate logs; below it, values are left as they are. */
const MAX_DEPTH = 8;

/**
 * A copy of a log object with every secret field, and every credential header inside a
 * `headers` object, replaced by {@link CENSOR}, at any depth of plain objects and arrays.
 * Nothing is copied when nothing is secret (the common case costs one walk over the keys).
 * Instances of classes (errors, requests, buffers) are left to pino's serializers, whose
 * output passes through here too (see `pino-logger.ts`).
 *
 * Why not pino's `redact` option: its wildcard paths (`*.*.password`, needed to reach any
 * depth) cost about 30 µs per log line here, fourteen times the line itself (docs/performance.md).
 */
export function censorSecrets<T>(value: T): T {
  return walk(value, 0, false) as T;
}

/** {@link censorSecrets} on a serializer's output, whatever its prototype (pino's are not plain). */
export function censorSerialized<T extends object>(value: T): T {
  return censorSecrets({ ...value });
}

function walk(value: unknown, depth: number, inHeaders: boolean): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const next = walk(value[i], depth + 1, false);
      if (next !== value[i]) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(record)) {
    const v = record[key];
    const secret = SECRET_FIELD_SET.has(key) || (inHeaders && SECRET_HEADERS.has(key.toLowerCase()));
    const next = secret ? (v === undefined ? v : CENSOR) : walk(v, depth + 1, key.toLowerCase() === 'headers');
    if (next !== v) (out ??= { ...record })[key] = next;
  }
  return out ?? value;
}
