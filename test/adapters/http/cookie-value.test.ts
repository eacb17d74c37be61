import { parse } from 'cookie';
import fc from 'fast-check';
import { cookieValues } from '../../../src/adapters/http/token-source';

/** One cookie's value, as the proxy reads the token it wants. */
const cookieValue = (header: string, name: string): string | undefined => cookieValues(header, name, null)[0];

/** The token cookies are read without parsing the whole header: the same answer as the `cookie` package's parse. */
describe('cookieValue', () => {
  it.each([
    ['access_token=abc', 'access_token', 'abc'],
    ['theme=dark; access_token=abc; refresh_token=def', 'refresh_token', 'def'],
    ['  access_token = abc ;x=1', 'access_token', 'abc'],
    ['access_token="quoted"', 'access_token', '"quoted"'],
    ['access_token=a%20b', 'access_token', 'a b'],
    ['access_token=%E0%A4%A', 'access_token', '%E0%A4%A'],
    ['access_token=first; access_token=second', 'access_token', 'first'],
    ['xaccess_token=no; access_token=yes', 'access_token', 'yes'],
    ['access_token', 'access_token', undefined],
    ['novalue; access_token=', 'access_token', ''],
    ['', 'access_token', undefined],
    ['\taccess_token\t=\tabc\t; x=1', 'access_token', 'abc'],
    // Only spaces and tabs are trimmed, as the cookie package does: a name after NBSP is another name.
    ['\u00a0access_token=abc', 'access_token', undefined],
    ['access_token=\u00a0abc\u000b', 'access_token', '\u00a0abc\u000b'],
    ['access_tokens=no; access_token =yes', 'access_token', 'yes'],
    ['access_token x=no; access_token=yes', 'access_token', 'yes'],
  ])('%j → %s = %j', (header, name, expected) => {
    expect(cookieValue(header, name)).toBe(expected);
    expect(cookieValue(header, name)).toBe(parse(header)[name]);
  });

  it('agrees with cookie.parse on generated headers (seeded)', () => {
    const part = fc.stringMatching(/^[ \t\u00a0\u000ba-z_=;"%0-9A-F]{0,12}$/);
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.constantFrom('access_token', 'refresh_token', 'a'), (parts, name) => {
        const header = parts.join(';');
        expect(cookieValue(header, name)).toBe(parse(header)[name]);
      }),
      { seed: 20261204, numRuns: 2000 },
    );
  });

  it('reads two names in one pass as two cookie.parse lookups would (seeded)', () => {
    const part = fc.stringMatching(/^[ \t\u00a0a-z_=;%0-9]{0,10}$/);
    const names = fc.constantFrom('access_token', 'refresh_token', 'a', 'ab', null);
    fc.assert(
      fc.property(fc.array(fc.oneof(part, fc.constantFrom('a=1', 'ab=2', 'access_token=x', ' refresh_token = y%20z')), { maxLength: 8 }), names, names, (parts, first, second) => {
        fc.pre(first === null || first !== second);
        const header = parts.join(';');
        const parsed = parse(header);
        expect(cookieValues(header, first, second)).toEqual([first === null ? undefined : parsed[first], second === null ? undefined : parsed[second]]);
      }),
      { seed: 20261206, numRuns: 3000 },
    );
  });

  it('reads both tokens of a typical header, or only the ones asked for', () => {
    const header = 'access_token=aaa.bbb.ccc; refresh_token=ddd.eee.fff; theme=dark';
    expect(cookieValues(header, 'access_token', 'refresh_token')).toEqual(['aaa.bbb.ccc', 'ddd.eee.fff']);
    expect(cookieValues(header, 'refresh_token', null)).toEqual(['ddd.eee.fff', undefined]);
    expect(cookieValues(header, null, null)).toEqual([undefined, undefined]);
  });
});
