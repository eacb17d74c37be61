import { serialize } from 'cookie';
import fc from 'fast-check';
import { encodeCookieValue, TokenCookies } from '../../../src/adapters/http/cookies';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTEiLCJzaWQiOiJzLTEiLCJqdGkiOiJqLTEifQ.c2lnbmF0dXJlLXdpdGgtXy1hbmQtLQ';

/** Token cookies skip `encodeURIComponent` when it would change nothing: the output must be the same for every value. */
describe('encodeCookieValue', () => {
  it.each([JWT, '', 'a b', 'ü', 'x;y', 'a=b', '"q"', '%41', '😀', 'a+b/c', "!~*'()", '\u0000', 'tab\there'])('%j encodes as encodeURIComponent does', (value) => {
    expect(encodeCookieValue(value)).toBe(encodeURIComponent(value));
  });

  it('leaves a compact JWT as it is', () => {
    expect(encodeCookieValue(JWT)).toBe(JWT);
  });

  it('agrees with encodeURIComponent on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        let expected: string | Error;
        try {
          expected = encodeURIComponent(value);
        } catch (err) {
          expected = err as Error; // a lone surrogate: both must throw
        }
        if (expected instanceof Error) expect(() => encodeCookieValue(value)).toThrow(URIError);
        else expect(encodeCookieValue(value)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TokenCookies', () => {
  it('writes the same Set-Cookie lines as the cookie package with its default encoding', () => {
    const cookies = new TokenCookies({ secure: true, sameSite: 'lax', domain: null, accessName: 'access_token', refreshName: 'refresh_token' });
    expect(cookies.serializeReissue({ access: { token: JWT, expiresIn: 900 }, refresh: { token: `${JWT}x`, expiresIn: 3600 } })).toStrictEqual([
      serialize('access_token', JWT, { httpOnly: true, path: '/', sameSite: 'lax', secure: true, maxAge: 900 }),
      serialize('refresh_token', `${JWT}x`, { httpOnly: true, path: '/', sameSite: 'lax', secure: true, maxAge: 3600 }),
    ]);
  });
});
