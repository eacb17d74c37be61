import { expectError, forEachStorage, itLeaksNoSecrets, useGateway, type Tokens, type User } from '../support/security-harness';
import { hmacJwt, payloadOf, unsigned, type Json } from './support/jwt-craft';

/** A PHC argon2id string: version 19, parameters, a salt of ≥ 16 bytes and a hash of ≥ 32 bytes. */
const ARGON2ID = /^\$argon2id\$v=19\$([a-z]=\d+(?:,[a-z]=\d+)*)\$[A-Za-z0-9+/]{22,}\$[A-Za-z0-9+/]{43,}$/;

/** OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1 (in any order). */
function expectOwaspArgon2id(hash: unknown): void {
  const params = ARGON2ID.exec(String(hash))?.[1];
  expect(params).toBeDefined();
  expect(Object.fromEntries(params!.split(',').map((kv) => kv.split('=')))).toEqual({ m: '19456', t: '2', p: '1' });
}

type Row = Record<string, unknown>;

/** Every value of every row, as text: what someone holding a copy of the table can read. */
const dump = (rows: Row[]): string => rows.map((r) => Object.values(r).map(String).join('\u0000')).join('\n');

forEachStorage('security: a stolen database lets no one act as a user', (target) => {
  const gateway = useGateway(target);
  let user: User;
  let first: Tokens;
  let rotated: { access: string; refresh: string };
  let users: Row[];
  let sessions: Row[];

  beforeAll(async () => {
    const gw = gateway();
    user = await gw.addUser('victim');
    first = await gw.login(user);
    const res = await gw.refresh(first.refresh);
    rotated = { access: res.body.accessToken as string, refresh: res.body.refreshToken as string };
    users = (await gw.db()('users').where('id', user.id)) as Row[];
    sessions = (await gw.db()('sessions').where('user_id', user.id)) as Row[];
  });

  it('stores no token, no token signature and no password in the users or sessions table', () => {
    expect(users).toHaveLength(1);
    expect(sessions).toHaveLength(1);
    const text = dump([...users, ...sessions]);
    for (const token of [first.access, first.refresh, rotated.access, rotated.refresh]) {
      for (const part of [token, ...token.split('.')]) expect(text).not.toContain(part);
    }
    expect(text).not.toContain(user.password);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('keeps only the password as an argon2id hash with the OWASP parameters, salted per user', async () => {
    expectOwaspArgon2id(users[0]!.password_hash);
    const gw = gateway();
    const twin = await gw.addUser('twin');
    await gw.changePassword(twin, user.password);
    const [row] = (await gw.db()('users').where('id', twin.id)) as Row[];
    expectOwaspArgon2id(row!.password_hash);
    expect(row!.password_hash).not.toBe(users[0]!.password_hash);
  });

  it('keeps only token ids (jti) for the session, current and previous', () => {
    const [s] = sessions;
    expect(s!.current_jti).toBe(payloadOf(rotated.refresh).jti);
    expect(s!.previous_jti).toBe(payloadOf(first.refresh).jti);
  });

  it('refuses refresh and access tokens forged from the row data alone', async () => {
    const gw = gateway();
    const s = sessions[0]!;
    const u = users[0]!;
    const iat = Math.floor(Number(s.current_issued_at) / 1000);
    const refresh: Json = { iss: 'tokengate', aud: 'tokengate', sub: s.user_id, sid: s.id, jti: s.current_jti, iat, exp: iat + 300 };
    const access: Json = { ...refresh, jti: 'forged', roles: JSON.parse(String(u.roles)) as unknown, username: u.username };
    const keys = [String(u.password_hash), String(s.current_jti), String(s.id), String(u.id), 'tokengate', ''];
    const forgedRefresh = [...keys.map((k) => hmacJwt({ alg: 'HS256', typ: 'rt+jwt' }, refresh, k)), unsigned({ alg: 'none', typ: 'rt+jwt' }, refresh)];
    const forgedAccess = [...keys.map((k) => hmacJwt({ alg: 'HS256', typ: 'at+jwt' }, access, k)), unsigned({ alg: 'none', typ: 'at+jwt' }, access)];
    for (const token of forgedRefresh) {
      gw.remember(token);
      expectError(await gw.refresh(token), 401, 'invalid_token');
    }
    for (const token of forgedAccess) {
      gw.remember(token);
      expectError(await gw.me(token), 401, 'invalid_token');
    }
  });

  it('does not accept the stored hash as the password (no pass-the-hash)', async () => {
    const res = await gateway().tryLogin(user.username, String(users[0]!.password_hash));
    expectError(res, 401, 'invalid_credentials');
  });

  it('(control) the genuine current tokens still work, so the refusals above are the forgeries', async () => {
    const gw = gateway();
    expect((await gw.me(rotated.access)).status).toBe(200);
    expect((await gw.refresh(rotated.refresh)).status).toBe(200);
  });

  itLeaksNoSecrets(gateway);
});

