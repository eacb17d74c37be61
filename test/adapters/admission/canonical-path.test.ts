import { canonicalPath, PathRefused } from '../../../src/adapters/admission/canonical-path';

/** SPEC §5's one canonical path: what is forwarded (`path`), what routes match (`key`). */
describe('canonicalPath', () => {
  it.each([
    ['/', '/', '/', ''],
    ['/a/b?x=1&y=%2F', '/a/b', '/a/b', '?x=1&y=%2F'],
    ['/A/B', '/A/B', '/a/b', ''],
    ['//127.0.0.1:18999/x', '/127.0.0.1:18999/x', '/127.0.0.1:18999/x', ''],
    ['///a//h:1/x', '/a/h:1/x', '/a/h:1/x', ''],
    ['/.//host', '/host', '/host', ''],
    ['//user@host/x', '/user@host/x', '/user@host/x', ''],
    ['/%61dmin/x', '/admin/x', '/admin/x', ''],
    ['/%7e%41%20b', '/~A%20b', '/~a%20b', ''],
    ['/ADMIN/x', '/ADMIN/x', '/admin/x', ''],
    ['/admin;v=1/x', '/admin;v=1/x', '/admin/x', ''],
    ['/public/..;/admin', '/admin', '/admin', ''],
    ['/a/./b/../c/', '/a/c/', '/a/c/', ''],
    ['/a/..', '/', '/', ''],
    ['/a/.', '/a/', '/a/', ''],
    ['/auth#x', '/auth', '/auth', ''],
    ['/.well-known/jwks.json', '/.well-known/jwks.json', '/.well-known/jwks.json', ''],
    ['http://evil:1/x?y', '/x', '/x', '?y'],
    ['HTTP://evil:1', '/', '/', ''],
  ])('%s → path %s, key %s', (target, path, key, search) => {
    expect(canonicalPath(target)).toEqual({ path, key, search });
  });

  it.each([
    '/admin%2fx', '/public/..%2fadmin/x', '/%2F%2Fhost', '/a%5Cb', '/a\\b', '\\\\host/x', '/%00', '/a%0d%0ab', '/a\u0001b',
    '/..', '/../x', '/a/../../x', '/..;/x', '/%2e%2e/x', '/%zz', '/%4', '*', 'host/x', 'ftp://h/x',
  ])('refuses %j', (target) => {
    expect(() => canonicalPath(target)).toThrow(PathRefused);
  });

  it('never yields a path that starts with two slashes, whatever the spelling', () => {
    for (const t of ['//h', '///h', '/./h', '/.//h', '/x/..//h', '/;x//h', '/%2e//h', '/x/%2e%2e//h']) {
      const { path } = canonicalPath(t);
      expect(path.startsWith('//')).toBe(false);
    }
  });
});
