import type { Response } from 'supertest';
import { JWT_SECRET, freshIp, type SecurityGateway, type Tokens, type User } from '../../support/security-harness';
import { headerOf, hmacJwt, payloadOf, unsigned, withSignature } from './jwt-craft';

/** What a case may use: a running gateway, a fresh user and a fresh login of theirs. */
export interface AttackContext {
  gw: SecurityGateway;
  user: User;
  tokens: Tokens;
}

/** One attack request (or burst) and the refusal it must meet; never an upstream call. */
export interface AttackCase {
  name: string;
  /** The attack class, as `docs/security.md` names it. */
  attack: 'forgery' | 'hostile input' | 'csrf' | 'throttle race' | 'stale logout';
  status: number;
  error: string;
  run(ctx: AttackContext): Promise<Response>;
}

/** The signing key the compose file used to publish as its default (issue 12 #1). */
export const COMPOSE_DEFAULT_SECRET = 'change-me-to-a-long-random-secret-of-32-bytes-or-more';
const FOREIGN = 'https://evil.example';

const bearer = (gw: SecurityGateway, token: string, path = '/app/data') => {
  gw.remember(token);
  return gw.http().get(path).set('Authorization', `Bearer ${token}`).set('Accept', 'application/json');
};
const adminClaims = (t: Tokens) => ({ ...payloadOf(t.access), roles: ['admin'] });
const json = (gw: SecurityGateway, path: string, body: string | Buffer) =>
  gw.http().post(path).set('X-Forwarded-For', freshIp()).set('Content-Type', 'application/json').send(body);
const loginBody = (u: User, extra = '') => `{"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)}${extra}}`;

export const ATTACKS: AttackCase[] = [
  // Forged and confused tokens (SPEC §2): every one is invalid_token, never a reissue.
  { name: 'an admin token signed with the old compose default secret', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, hmacJwt(headerOf(tokens.access), adminClaims(tokens), COMPOSE_DEFAULT_SECRET)) },
  { name: 'alg: none', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, unsigned({ alg: 'none', typ: 'at+jwt' }, adminClaims(tokens))) },
  { name: 'HS512 under the right key (unexpected algorithm)', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, hmacJwt({ alg: 'HS512', typ: 'at+jwt' }, payloadOf(tokens.access), JWT_SECRET, 'sha512')) },
  { name: 'roles raised in the payload, signature kept', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, withSignature(unsigned(headerOf(tokens.access), adminClaims(tokens)), tokens.access.split('.')[2]!)) },
  { name: 'a refresh token presented as an access token', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, tokens.refresh) },
  { name: 'a wrong issuer under the right key', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, hmacJwt(headerOf(tokens.access), { ...payloadOf(tokens.access), iss: 'evil' }, JWT_SECRET)) },
  { name: 'a kid naming a file', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, hmacJwt({ ...headerOf(tokens.access), kid: '../../../dev/null' }, payloadOf(tokens.access), '')) },
  { name: 'a Bearer value that is not a JWT', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw }) => bearer(gw, 'not.a-jwt') },
  { name: 'a forged token on /auth/verify', attack: 'forgery', status: 401, error: 'invalid_token',
    run: ({ gw, tokens }) => bearer(gw, hmacJwt(headerOf(tokens.access), adminClaims(tokens), COMPOSE_DEFAULT_SECRET), '/auth/verify') },

  // Hostile input on /auth/* (SPEC §4 input limits).
  { name: 'a __proto__ key in the login body', attack: 'hostile input', status: 400, error: 'invalid_request',
    run: ({ gw, user }) => json(gw, '/auth/login', loginBody(user, ',"__proto__":{"admin":true}')) },
  { name: '8,000 nested arrays in 16 KB (issue 12 #4)', attack: 'hostile input', status: 400, error: 'invalid_request',
    run: ({ gw, user }) => json(gw, '/auth/login', loginBody(user, `,"x":${'['.repeat(7990)}${']'.repeat(7990)}`)) },
  { name: 'a body that is not UTF-8', attack: 'hostile input', status: 400, error: 'invalid_request',
    run: ({ gw }) => json(gw, '/auth/login', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])) },
  { name: 'credentials in the query string', attack: 'hostile input', status: 400, error: 'invalid_request',
    run: ({ gw, user }) => gw.http().post(`/auth/login?password=${encodeURIComponent(user.password)}`).send({ username: user.username }) },
  { name: 'a body over BODY_LIMIT', attack: 'hostile input', status: 413, error: 'payload_too_large',
    run: ({ gw, user }) => json(gw, '/auth/login', loginBody(user, `,"pad":"${'a'.repeat(17 * 1024)}"`)) },
  { name: 'a username that is an object', attack: 'hostile input', status: 400, error: 'invalid_request',
    run: ({ gw }) => json(gw, '/auth/login', '{"username":{"$ne":null},"password":"x"}') },
  { name: 'a text/plain login', attack: 'hostile input', status: 400, error: 'invalid_request',
    run: ({ gw, user }) => gw.http().post('/auth/login').set('Content-Type', 'text/plain').send(loginBody(user)) },

  // CSRF (SPEC §4 forbidden), login CSRF included (issue 12 #3).
  { name: 'a cross-site form login (login CSRF)', attack: 'csrf', status: 403, error: 'forbidden',
    run: ({ gw, user }) => gw.http().post('/auth/login').set('Origin', FOREIGN).type('form').send({ username: user.username, password: user.password }) },
  { name: 'a cross-site login with Sec-Fetch-Site only', attack: 'csrf', status: 403, error: 'forbidden',
    run: ({ gw, user }) => gw.http().post('/auth/login').set('Sec-Fetch-Site', 'cross-site').send({ username: user.username, password: user.password }) },
  { name: 'a cross-site logout with a header token', attack: 'csrf', status: 403, error: 'forbidden',
    run: ({ gw, tokens }) => gw.http().post('/auth/logout?scope=global').set('Origin', 'null').set('Authorization', `Bearer ${tokens.access}`) },
  { name: 'a cross-site cookie POST to the upstream', attack: 'csrf', status: 403, error: 'forbidden',
    run: ({ gw, tokens }) => gw.http().post('/app/transfer').set('Origin', FOREIGN).set('Cookie', `access_token=${tokens.access}`).send({ amount: 1 }) },

  // The login throttle under parallel guesses (issue 12 #2): the right password comes too late.
  { name: '20 parallel wrong guesses, then the right password', attack: 'throttle race', status: 429, error: 'rate_limited',
    run: async ({ gw, user }) => {
      const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => gw.tryLogin(user.username, `guess-${i}-wrong`)));
      const statuses = guesses.map((r) => r.status).sort();
      if (statuses.filter((s) => s === 401).length > 5) throw new Error(`more guesses than LOGIN_RATE_LIMIT were checked: ${statuses.join(',')}`);
      return gw.tryLogin(user.username, user.password);
    } },

  // A stale token may not end every session (issue 12 #10).
  { name: 'logout?scope=global with a refresh token spent past the grace window', attack: 'stale logout', status: 401, error: 'login_required',
    run: async ({ gw, tokens }) => {
      gw.track(await gw.refresh(tokens.refresh));
      gw.advance(11);
      return gw.http().post('/auth/logout?scope=global').set('X-Refresh-Token', tokens.refresh);
    } },
];
