import fc from 'fast-check';

/** Printable ASCII only: what an HTTP client can put in a header value. */
export const headerSafe = (s: string): string => s.replace(/[^\x20-\x7e]/g, 'x');

/** A secret-looking marker the log must never contain (a password, or a password typed as a username). */
export const marker = (prefix: string): fc.Arbitrary<string> => fc.stringMatching(/^[A-Za-z0-9]{12,20}$/).map((s) => `${prefix}${s}`);

/** Query strings: well-formed pairs, credential names among them, and broken escapes. */
export const queryString: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom('scope', 'rd', 'password', 'token', 'access_token', '__proto__', 'a[b]'), fc.string({ maxLength: 8 })), fc.string({ maxLength: 24 })), { maxLength: 4 })
    .map((pairs) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`),
  fc.constantFrom('?%', '?scope=%G1', '?scope=global&scope=local', '?scope=others', '?rd=%2F%2Fevil.example'),
);

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 4 },
  fc.constantFrom(undefined, 'application/json; charset=latin1', 'application/vnd.api+json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x'),
);

/** Bodies: arbitrary JSON (deep too), login-shaped objects with odd field types, forms, raw bytes. */
export function body(fields: { username: fc.Arbitrary<unknown>; password: fc.Arbitrary<unknown> }): fc.Arbitrary<string | Buffer> {
  const form = fc
    .array(fc.tuple(fc.constantFrom('username', 'password', 'rd', 'refreshToken', '__proto__', 'constructor'), fc.string({ maxLength: 30 })), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
  // Deep nesting up to what fits in BODY_LIMIT (16 KB): the shape that once overflowed the stack.
  // fast-check leans towards small numbers: counting down from the limit reaches the deep end.
  const depth = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.nat(6000).map((k) => 8000 - k));
  const deep = fc.tuple(depth, fc.constantFrom('[', '{"a":')).map(([n, open]) =>
    open === '[' ? `{"x":${'['.repeat(n)}${']'.repeat(n)}}` : `{"x":${open.repeat(Math.min(n, 2600))}1${'}'.repeat(Math.min(n, 2600))}}`,
  );
  return fc.oneof(
    fc.record({ username: fields.username, password: fields.password }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null'),
    { arbitrary: deep, weight: 3 },
    form,
    fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
    fc.string({ maxLength: 60 }),
  );
}
