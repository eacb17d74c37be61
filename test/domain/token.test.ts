import { hasTokenShape, MAX_TOKEN_LENGTH } from '../../src/domain/token';

/** A three-part token of exactly `length` characters. */
const tokenOfLength = (length: number): string => {
  const head = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.';
  return head + 's'.repeat(length - head.length);
};

describe('hasTokenShape (SPEC §4: over 8 KB or not three base64url parts → invalid_token)', () => {
  it('limits tokens to 8192 characters', () => {
    expect(MAX_TOKEN_LENGTH).toBe(8192);
    expect(hasTokenShape(tokenOfLength(8192))).toBe(true);
    expect(hasTokenShape(tokenOfLength(8193))).toBe(false);
  });

  it.each([
    ['three base64url parts', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', true],
    ['all base64url characters', 'AZaz09-_.AZaz09-_.AZaz09-_', true],
  ])('accepts %s', (_label, token, expected) => {
    expect(hasTokenShape(token)).toBe(expected);
  });

  it.each([
    ['the empty string', ''],
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'abc.def.ghi.jkl'],
    ['an empty signature part (alg: none)', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.'],
    ['an empty header part', '.abc.def'],
    ['an empty payload part', 'abc..def'],
    ['standard base64 +', 'ab+c.def.ghi'],
    ['standard base64 /', 'abc.de/f.ghi'],
    ['base64 padding =', 'abc.def.ghi='],
    ['a space', 'abc.def .ghi'],
    ['a trailing newline', 'abc.def.ghi\n'],
    ['a leading space', ' abc.def.ghi'],
    ['a non-ASCII letter', 'abc.déf.ghi'],
    ['a Bearer prefix', 'Bearer abc.def.ghi'],
  ])('rejects %s', (_label, token) => {
    expect(hasTokenShape(token)).toBe(false);
  });
});
