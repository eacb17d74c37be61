import {
  normalizeUsername,
  PASSWORD_MAX,
  passwordProblem,
  roleProblem,
  USERNAME_MAX,
  usernameProblem,
} from '../../src/domain/user';

const GRIN = '\u{1F600}'; // one code point, two UTF-16 units

describe('usernameProblem (SPEC §4: 1–128 code points, no Cc/Cf)', () => {
  it('allows 1 to 128 code points', () => {
    expect(USERNAME_MAX).toBe(128);
    expect(usernameProblem('a')).toBeNull();
    expect(usernameProblem('a'.repeat(128))).toBeNull();
    expect(usernameProblem('')).toEqual(expect.any(String));
    expect(usernameProblem('a'.repeat(129))).toEqual(expect.any(String));
  });

  it('counts an astral character as one', () => {
    expect(GRIN.repeat(128)).toHaveLength(256);
    expect(usernameProblem(GRIN.repeat(128))).toBeNull();
    expect(usernameProblem(GRIN.repeat(129))).toEqual(expect.any(String));
  });

  it.each(['alice', 'Zoë', 'δοκιμή', '山田', 'first.last@example.com', `me${GRIN}`])('accepts %j', (name) => {
    expect(usernameProblem(name)).toBeNull();
  });

  it.each([
    ['NUL', '\u0000'],
    ['unit separator', '\u001f'],
    ['DEL', '\u007f'],
    ['tab', '\t'],
    ['newline', '\n'],
    ['C1 next line', '\u0085'],
    ['zero-width space', '\u200b'],
    ['right-to-left override', '\u202e'],
    ['byte-order mark', '\ufeff'],
    ['soft hyphen', '\u00ad'],
  ])('rejects a %s', (_label, ch) => {
    expect(usernameProblem(`al${ch}ice`)).toEqual(expect.any(String));
    expect(usernameProblem(ch)).toEqual(expect.any(String));
  });
});

describe('passwordProblem (SPEC §4: 1–1024 code points, anything allowed)', () => {
  it('allows 1 to 1024 code points', () => {
    expect(PASSWORD_MAX).toBe(1024);
    expect(passwordProblem('x')).toBeNull();
    expect(passwordProblem('x'.repeat(1024))).toBeNull();
    expect(passwordProblem('')).toEqual(expect.any(String));
    expect(passwordProblem('x'.repeat(1025))).toEqual(expect.any(String));
  });

  it('counts code points, not UTF-16 units', () => {
    expect(passwordProblem(GRIN.repeat(1024))).toBeNull();
    expect(passwordProblem(GRIN.repeat(1025))).toEqual(expect.any(String));
  });

  it.each(['\u0000', '\u001f\u007f', '\u200b\u202e\ufeff', ' leading and trailing ', 'tab\there', '"quotes" \\ and \'more\''])(
    'accepts %j',
    (password) => {
      expect(passwordProblem(password)).toBeNull();
    },
  );
});

describe('normalizeUsername (SPEC §4: Unicode lower-casing, accents significant)', () => {
  it.each([
    ['Alice', 'alice'],
    ['ALICE', 'alice'],
    ['ZOË', 'zoë'],
    ['ΣΟΦΙΑ', 'σοφια'],
    ['ΟΔΟΣ', 'οδος'], // final sigma
    ['I', 'i'], // locale-independent: not the Turkish dotless ı
    ['İ', 'i\u0307'], // Turkish capital dotted I: i + combining dot above, whatever the server locale
  ])('%j → %j', (input, expected) => {
    expect(normalizeUsername(input)).toBe(expected);
  });

  it.each([
    ['Alice', 'alice'],
    ['zo\u00eb', 'zoe\u0308'], // NFC ë vs NFD e + combining diaeresis
    ['ZOE\u0308', 'zo\u00eb'],
    ['ΟΔΟΣ', 'οδος'],
    ['\u212a', 'k'], // KELVIN SIGN decomposes to K under NFC
  ])('%j and %j are one user', (a, b) => {
    expect(normalizeUsername(a)).toBe(normalizeUsername(b));
  });

  it.each([
    ['zoë', 'zoe'],
    ['Άννα', 'Αννα'],
    ['ı', 'i'], // dotless i
    ['İ', 'i'],
    ['straße', 'strasse'], // lower-casing, not case folding
  ])('%j and %j are two users', (a, b) => {
    expect(normalizeUsername(a)).not.toBe(normalizeUsername(b));
  });

  it.each(['Alice', 'ZOE\u0308', 'İSTANBUL', 'ΟΔΟΣ', '\u212a', `Me${GRIN}`])('is idempotent for %j', (name) => {
    const once = normalizeUsername(name);
    expect(normalizeUsername(once)).toBe(once);
    expect(once).toBe(once.normalize('NFC'));
  });
});

describe('roleProblem', () => {
  it.each(['admin', 'a', 'team:ops', 'read.only', 'x_y-z', 'A1', 'r'.repeat(64)])('accepts %j', (role) => {
    expect(roleProblem(role)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'r'.repeat(65)],
    ['a comma (X-User-Roles is comma-separated)', 'a,b'],
    ['a space', 'a b'],
    ['a newline (header injection)', 'admin\n'],
    ['a non-ASCII letter', 'rôle'],
    ['a slash', 'a/b'],
  ])('rejects %s', (_label, role) => {
    expect(roleProblem(role)).toEqual(expect.any(String));
  });
});
