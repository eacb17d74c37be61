import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BrowserGateway } from '../support/browser-gateway';
import { ensureClientBuilt } from '../support/client-build';

const USER = { name: 'cleo', password: 'client script pw 123' };
const ROOT = resolve(__dirname, '../..');

/** SPEC §11: `GET <prefix>/client.js`, and the `/auth/refresh` `renew` flag its cookie mode relies on. */
describe('the browser client as served by the gateway', () => {
  let gw: BrowserGateway;
  let built: Buffer;

  beforeAll(async () => {
    built = readFileSync(ensureClientBuilt());
    gw = await BrowserGateway.start({});
    await gw.addUser(USER.name, USER.password);
  });
  afterAll(() => gw?.stop());

  it('is an ES module of at most 3 KB gzipped, with no import of anything else', () => {
    const text = built.toString('utf8');
    expect(gzipSync(built, { level: 9 }).length).toBeLessThanOrEqual(3 * 1024);
    expect(text).toMatch(/export\s*\{[^}]*createClient/);
    expect(text).not.toMatch(/\bimport\s*[{("'*]|\brequire\(/);
  });

  it('GET /auth/client.js serves the built file with a long Cache-Control and an ETag; If-None-Match gets 304', async () => {
    const res = await fetch(`${gw.origin}/auth/client.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(Buffer.from(await res.arrayBuffer()).equals(built)).toBe(true);
    const etag = res.headers.get('etag') as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    const again = await fetch(`${gw.origin}/auth/client.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
  });

  it('is the package export tokengate/client, with TypeScript types', () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    const entry = pkg.exports['./client'] as { types: string; default: string };
    expect(resolve(ROOT, entry.default)).toBe(resolve(ROOT, 'dist/client/client.js'));
    const types = readFileSync(resolve(ROOT, entry.types), 'utf8');
    expect(types).toContain("from './types'");
    expect(readFileSync(resolve(ROOT, 'dist/client/types/types.d.ts'), 'utf8')).toMatch(/createClient|interface Client\b/);
  });

  describe('POST /auth/refresh with renew (cookie mode refreshing before expiry)', () => {
    const login = async (): Promise<string> => {
      const res = await fetch(`${gw.origin}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USER.name, password: USER.password }) });
      return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    };
    const refresh = (cookie: string, body: string) =>
      fetch(`${gw.origin}/auth/refresh`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });

    it('reissues the access token (and rotates the refresh token) while both cookies are still valid', async () => {
      const cookie = await login();
      gw.clock.advance(1);
      const plain = await refresh(cookie, '{}');
      expect(((await plain.json()) as { reissued: string[] }).reissued).toEqual([]);
      const renewed = await refresh(cookie, '{"renew":true}');
      expect(renewed.status).toBe(200);
      expect(((await renewed.json()) as { reissued: string[] }).reissued).toEqual(['access', 'refresh']);
      expect(renewed.headers.getSetCookie().map((c) => c.split('=')[0]).sort()).toEqual(['access_token', 'refresh_token']);
    });

    it('answers 400 invalid_request when renew is not a boolean', async () => {
      const res = await refresh(await login(), '{"renew":"yes"}');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    });
  });
});
