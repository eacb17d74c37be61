import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { bearerOf, bearerToken } from '../../../src/adapters/http/token-source';

/** SPEC §4: `Authorization: Bearer <token>`, scheme case-insensitive; other schemes are not tokengate's. */
describe('bearerOf', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER\tabc', 'abc'],
    ['BeArEr    abc   ', 'abc'],
    ['  Bearer abc', 'abc'],
    ['Bearer\u00a0abc', 'abc'],
    ['Bearer a b', 'a b'],
    ['Bearer', ''],
    ['Bearer   ', ''],
    ['Bearerabc', null],
    ['Bearer_abc', null],
    ['Bear', null],
    ['', null],
    ['Basic dXNlcjpwYXNz', null],
    ['Token abc', null],
    ['xBearer abc', null],
  ])('%j → %j', (value, expected) => {
    expect(bearerOf(value)).toBe(expected);
  });

  // The reading it replaced, kept here as the oracle: a trimmed value, the scheme, whitespace, the rest.
  const reference = (value: string): string | null => {
    const m = /^bearer(?:\s+(.*))?$/i.exec(value.trim());
    return m ? (m[1] ?? '').trim() : null;
  };

  it('reads every latin1 value without CR or LF as the regular expression did (seeded)', () => {
    const latin1 = fc.integer({ min: 0, max: 255 }).filter((c) => c !== 10 && c !== 13).map((c) => String.fromCharCode(c));
    const value = fc.tuple(
      fc.constantFrom('', ' ', '\t', '\u00a0'),
      fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Bear', 'Basic', 'bearerx'),
      fc.array(latin1, { maxLength: 12 }).map((cs) => cs.join('')),
    ).map(([lead, scheme, rest]) => lead + scheme + rest);
    fc.assert(fc.property(value, (v) => expect(bearerOf(v)).toBe(reference(v))), { seed: 20261205, numRuns: 2000 });
  });
});

describe('bearerToken', () => {
  const req = (rawHeaders: string[]): IncomingMessage => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] ??= rawHeaders[i + 1]!;
    return { headers, rawHeaders } as unknown as IncomingMessage;
  };

  it('is null without an Authorization header or with another scheme', () => {
    expect(bearerToken(req([]))).toBeNull();
    expect(bearerToken(req(['Authorization', 'Basic dXNlcjpwYXNz']))).toBeNull();
  });

  it('is the token of a Bearer header', () => {
    expect(bearerToken(req(['authorization', 'Bearer t.o.k']))).toBe('t.o.k');
  });

  it('is empty (so refused) when Authorization comes twice, whatever the letter case', () => {
    expect(bearerToken(req(['Authorization', 'Bearer a.b.c', 'AUTHORIZATION', 'Bearer d.e.f']))).toBe('');
  });
});
