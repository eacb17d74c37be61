import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { jwkThumbprint, publicJwk } from '../../src/adapters/security/jwk';
import { expectError, forEachStorage, itLeaksNoSecrets, JWT_SECRET, useGateway, type SecurityGateway } from '../support/security-harness';
import { headerOf, hmacJwt, payloadOf, rsaJwt, type Json } from './support/jwt-craft';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const gatewayKeys = rsa();
const attacker = rsa();
const attackerJwk = publicJwk(attacker.publicKey);
const attackerKid = jwkThumbprint(attackerJwk);
const keyDir = mkdtempSync(join(tmpdir(), 'tokengate-keys-'));
const pem = (k: KeyObject, type: 'pkcs8' | 'spki' | 'pkcs1') => k.export({ type, format: 'pem' } as never).toString();
writeFileSync(join(keyDir, 'private.pem'), pem(gatewayKeys.privateKey, 'pkcs8'));
writeFileSync(join(keyDir, 'public.pem'), pem(gatewayKeys.publicKey, 'spki'));
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

const RS256_ENV = {
  JWT_ALGORITHM: 'RS256',
  JWT_PRIVATE_KEY_FILE: join(keyDir, 'private.pem'),
  JWT_PUBLIC_KEY_FILE: join(keyDir, 'public.pem'),
};

/** Headers by which a token would choose its own key, or demand processing we do not do (RFC 8725 §3.10, ASVS 9.1.3). */
const KEY_CHOOSING: [string, Json][] = [
  ['jwk (the attacker key embedded)', { jwk: attackerJwk }],
  ['jku (a JWKS URL)', { jku: 'https://attacker.example/.well-known/jwks.json' }],
  ['x5u (a certificate URL)', { x5u: 'https://attacker.example/cert.pem' }],
  ['x5c (a certificate chain)', { x5c: [attacker.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')] }],
  ['crit (unknown extensions)', { crit: ['exp'], exp: 1 }],
];

const expectInvalid = (res: Response) => {
  expectError(res, 401, 'invalid_token');
  expect(res.headers['set-cookie']).toBeUndefined();
};

forEachStorage('security: key-confusion and header tricks', (target) => {
  describe('against an RS256 gateway', () => {
    const gateway = useGateway(target, RS256_ENV);
    let header: Json;
    let claims: Json;
    beforeAll(async () => {
      const gw = gateway();
      const t = await gw.login(await gw.addUser());
      [header, claims] = [headerOf(t.access), payloadOf(t.access)];
    });
    const me = (gw: SecurityGateway, token: string) => {
      gw.remember(token);
      return gw.me(token);
    };

    it('(control) a token the test signs with the gateway private key and kid passes', async () => {
      expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
      expect((await me(gateway(), rsaJwt(header, claims, gatewayKeys.privateKey))).status).toBe(200);
    });

    it('refuses HS256 tokens whose HMAC key is the published public key, in every encoding', async () => {
      const gw = gateway();
      const jwks = (await gw.http().get('/.well-known/jwks.json')).body as { keys: Json[] };
      const published = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' });
      const secrets: (string | Buffer)[] = [
        pem(published, 'spki'),
        pem(published, 'pkcs1'),
        pem(published, 'spki').trim(),
        published.export({ type: 'spki', format: 'der' }),
        JSON.stringify(jwks.keys[0]),
      ];
      for (const secret of secrets) {
        for (const h of [{ ...header, alg: 'HS256' }, { alg: 'HS256', typ: 'at+jwt' }]) {
          expectInvalid(await me(gw, hmacJwt(h, claims, secret)));
        }
      }
    });

    it.each(KEY_CHOOSING)('refuses a token signed by an attacker key named in a %s header', async (_, extra) => {
      const gw = gateway();
      expectInvalid(await me(gw, rsaJwt({ alg: 'RS256', typ: 'at+jwt', kid: attackerKid, ...extra }, claims, attacker.privateKey)));
      expectInvalid(await me(gw, rsaJwt({ ...header, ...extra }, claims, attacker.privateKey)));
    });

    it.each(KEY_CHOOSING)('refuses a %s header even on a token the gateway key signed (the rule, not the signature)', async (_, extra) => {
      expectInvalid(await me(gateway(), rsaJwt({ ...header, ...extra }, claims, gatewayKeys.privateKey)));
    });

    it.each<[string, string]>([
      ['an unknown kid', attackerKid],
      ['a path-traversal kid', '../../../../../../dev/null'],
      ['an SQL-injection kid', "x' UNION SELECT 'secret"],
    ])('refuses %s, even on a token the gateway key signed', async (_, kid) => {
      const gw = gateway();
      expectInvalid(await me(gw, rsaJwt({ ...header, kid }, claims, gatewayKeys.privateKey)));
      expectInvalid(await me(gw, hmacJwt({ alg: 'HS256', typ: 'at+jwt', kid }, claims, '')));
    });

    itLeaksNoSecrets(gateway);
  });

  describe('against an HS256 gateway', () => {
    const gateway = useGateway(target);
    let claims: Json;
    const AT = { alg: 'HS256', typ: 'at+jwt' };
    beforeAll(async () => {
      const gw = gateway();
      claims = payloadOf((await gw.login(await gw.addUser())).access);
    });

    it('(control) a token the test signs with the gateway secret passes', async () => {
      expect((await gateway().me(hmacJwt(AT, claims, JWT_SECRET))).status).toBe(200);
    });

    it.each(KEY_CHOOSING)('refuses a %s header on a token signed with the right secret', async (_, extra) => {
      expectInvalid(await gateway().me(hmacJwt({ ...AT, ...extra }, claims, JWT_SECRET)));
    });

    it.each(['0', 'default', '../../../../../../dev/null', "x' OR '1'='1"])('refuses a kid that names none of its secrets (%s), though the signature is right', async (kid) => {
      const gw = gateway();
      expectInvalid(await gw.me(hmacJwt({ ...AT, kid }, claims, JWT_SECRET)));
      expectInvalid(await gw.me(hmacJwt({ ...AT, kid }, claims, '')));
    });

    it('publishes no key: /.well-known/jwks.json is 404 not_found', async () => {
      expectError(await gateway().http().get('/.well-known/jwks.json'), 404, 'not_found');
    });

    itLeaksNoSecrets(gateway);
  });
});
