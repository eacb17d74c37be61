import WebSocket from 'ws';
import { describeWithMysql } from '../support/mysql';
import { expectErrorAnswer, waitUntil } from '../support/gateway-http';
import { RunningGateway, type Session } from '../support/gateway-harness';
import { RecordingUpstream } from '../support/gateway-upstream';

/**
 * SPEC §5 "Logout takes effect for access tokens too": two gateway instances on one MySQL
 * database, REVOCATION_TTL=1s. Logout on A: A refuses the access token at once, B within the TTL.
 * Both run on the real clock: the instances compare revocation times through storage.
 */

const realClock = { now: () => Date.now() };
const TTL_MS = 1000;

describeWithMysql('revocation across instances (MySQL)', (database) => {
  // Nested, so the gateways stop (inner afterAll) before the database is dropped.
  describe('two gateways on one database', () => body(database));
});

function body(database: () => { url: string }): void {
  let up: RecordingUpstream;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    up = await RecordingUpstream.start();
    const env = { DATABASE_URL: database().url, UPSTREAM_URL: up.url, REVOCATION_TTL: '1s', ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '1h' };
    a = await RunningGateway.start(env, { clock: realClock });
    b = await RunningGateway.start(env, { clock: realClock });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await up?.close();
  });

  const bearer = (gw: RunningGateway, s: Session, path: string) =>
    gw.request(path, { headers: { Authorization: `Bearer ${s.access}`, Accept: 'application/json' } });

  it('a session made on A is honoured by B (shared storage, shared key)', async () => {
    const s = await a.session();
    expect((await bearer(b, s, '/b/before')).status).toBe(200);
    expect(up.last('/b/before')?.headers['x-session-id']).toBe(s.sid);
  });

  it('logout on A: A refuses the access token at once; B within REVOCATION_TTL, with 401 token_revoked', async () => {
    const s = await a.session();
    expect((await bearer(b, s, '/b/warm')).status).toBe(200);

    const logout = await a.request('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${s.access}` } });
    expect(logout.status).toBe(204);
    const loggedOutAt = Date.now();
    expectErrorAnswer(await bearer(a, s, '/a/after'), 401, 'token_revoked');

    let last = 0;
    const took = await waitUntil(async () => {
      const res = await bearer(b, s, '/b/after');
      last = res.status;
      if (res.status === 200) return false;
      expectErrorAnswer(res, 401, 'token_revoked');
      return true;
    }, 3 * TTL_MS, 50);
    expect({ refused: took !== null, lastStatus: last }).toEqual({ refused: true, lastStatus: 401 });
    expect(Date.now() - loggedOutAt).toBeLessThan(2 * TTL_MS + 500);
    expectErrorAnswer(await bearer(b, s, '/b/after-again'), 401, 'token_revoked');
  });

  it('a session made on B and logged out on A is refused by B\'s /auth/me within the TTL', async () => {
    const s = await b.session();
    await a.request('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${s.access}` } });
    const took = await waitUntil(async () => (await bearer(b, s, '/auth/me')).status === 401, 3 * TTL_MS, 50);
    expect(took).not.toBeNull();
    expectErrorAnswer(await bearer(b, s, '/auth/me'), 401, 'token_revoked');
  });

  it('a WebSocket open through B is closed by B within the TTL when A logs its session out', async () => {
    const s = await a.session();
    const ws = new WebSocket(`ws://127.0.0.1:${b.port}/ws/cross`, { headers: { Authorization: `Bearer ${s.access}` } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    let closedAt: number | null = null;
    ws.once('close', () => (closedAt = Date.now()));
    await a.request('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${s.access}` } });
    const loggedOutAt = Date.now();
    expect(await waitUntil(() => closedAt !== null, 3 * TTL_MS)).not.toBeNull();
    expect((closedAt ?? Infinity) - loggedOutAt).toBeLessThan(2 * TTL_MS + 500);
  });

  it('another session of the same user stays valid on both', async () => {
    const s1 = await a.session();
    const s2 = await a.login(s1.user);
    await a.request('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${s1.access}` } });
    await new Promise((r) => setTimeout(r, 2 * TTL_MS));
    expect((await bearer(a, s2, '/a/other')).status).toBe(200);
    expect((await bearer(b, s2, '/b/other')).status).toBe(200);
  });
}
