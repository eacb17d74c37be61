import { createPublicKey, generateKeyPairSync, verify as verifySignature } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectError, forEachStorage, Gateway, itKeepsSecretsOutOfLogs, useGateway } from '../support/e2e-harness';
import { jwtHeader } from '../support/e2e-jwt';

/** Writes a fresh key pair for `alg` as PEM files; returns the env that points at them. */
function keyFiles(dir: string, alg: 'RS256' | 'ES256'): Record<string, string> {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = join(dir, `${alg}.key`);
  const pub = join(dir, `${alg}.pub`);
  writeFileSync(priv, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { JWT_ALGORITHM: alg, JWT_PRIVATE_KEY_FILE: priv, JWT_PUBLIC_KEY_FILE: pub };
}

forEachStorage('e2e: health, readiness and JWKS', (target) => {
  const gateway = useGateway(target);

  it('GET /healthz and GET /readyz → 200, each with an X-Request-Id', async () => {
    const gw = gateway();
    for (const path of ['/healthz', '/readyz']) {
      const res = await gw.http().get(path);
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('GET /.well-known/jwks.json under HS256 → 404 not_found (no shared secret is ever published)', async () => {
    const res = await gateway().http().get('/.well-known/jwks.json');
    expectError(res, 404, 'not_found');
  });

  describe.each(['RS256', 'ES256'] as const)('%s', (alg) => {
    let gw: Gateway | null = null;
    let keys = '';
    beforeAll(async () => {
      keys = mkdtempSync(join(tmpdir(), 'tokengate-keys-'));
      gw = await Gateway.start(target(), keyFiles(keys, alg));
    });
    afterAll(async () => {
      await gw?.stop();
      rmSync(keys, { recursive: true, force: true });
    });

    it('GET /.well-known/jwks.json publishes the public key with a kid matching the tokens', async () => {
      const g = gw as Gateway;
      const res = await g.http().get('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      const jwks = res.body as { keys: Record<string, string>[] };
      expect(jwks.keys).toHaveLength(1);
      const [jwk] = jwks.keys as [Record<string, string>];
      expect(jwk).toMatchObject({ kid: expect.any(String), alg, use: 'sig', kty: alg === 'RS256' ? 'RSA' : 'EC' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwk).not.toHaveProperty(secret);
      const t = await g.login(await g.addUser());
      expect(jwtHeader(t.access)).toMatchObject({ alg, kid: jwk.kid, typ: 'at+jwt' });
      expect(jwtHeader(t.refresh)).toMatchObject({ alg, kid: jwk.kid, typ: 'rt+jwt' });
      const [h, p, s] = t.access.split('.') as [string, string, string];
      const key = createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
      const signature = Buffer.from(s, 'base64url');
      const ok = verifySignature(alg === 'RS256' ? 'sha256' : null, Buffer.from(`${h}.${p}`), alg === 'RS256' ? key : { key, dsaEncoding: 'ieee-p1363' }, signature);
      expect(ok).toBe(true);
    });

    it('the whole flow works: login, /auth/me, refresh', async () => {
      const g = gw as Gateway;
      const t = await g.login(await g.addUser());
      expect((await g.http().get('/auth/me').set('Authorization', `Bearer ${t.access}`)).status).toBe(200);
      g.advance(3600);
      expectError(await g.http().get('/auth/verify').set('X-Refresh-Token', t.refresh), 401, 'login_required');
      const fresh = await g.login(await g.addUser());
      g.advance(120);
      const res = g.track(await g.http().post('/auth/refresh').set('X-Refresh-Token', fresh.refresh));
      expect(res.status).toBe(200);
      expect(res.body.reissued).toEqual(['access', 'refresh']);
    });
  });

  itKeepsSecretsOutOfLogs(gateway);
});
