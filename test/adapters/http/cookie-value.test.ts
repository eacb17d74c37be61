import { parse } from 'cookie';
import fc from 'fast-check';
import { cookieValue } from '../../../src/adapters/http/token-source';

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
  ])('%j → %s = %j', (header, name, expected) => {
    expect(cookieValue(header, name)).toBe(expected);
    expect(cookieValue(header, name)).toBe(parse(header)[name]);
  });

  it('agrees with cookie.parse on generated headers (seeded)', () => {
    const part = fc.stringMatching(/^[ a-z_=;"%0-9A-F]{0,12}$/);
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.constantFrom('access_token', 'refresh_token', 'a'), (parts, name) => {
        const header = parts.join(';');
        expect(cookieValue(header, name)).toBe(parse(header)[name]);
      }),
      { seed: 20261204, numRuns: 2000 },
    );
  });
});
