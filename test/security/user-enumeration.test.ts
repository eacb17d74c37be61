import type { Response } from 'supertest';
import { expectError, forEachStorage, itLeaksNoSecrets, useGateway, type SecurityGateway, type User } from '../support/security-harness';

type Case = 'unknown user' | 'wrong password' | 'disabled user';
const CASES: Case[] = ['unknown user', 'wrong password', 'disabled user'];
const ROUNDS = 21;
/** Headers that differ on every response whatever the case. */
const PER_RESPONSE = new Set(['x-request-id', 'date']);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Everything a client can see of a response but its per-response headers. */
function visible(res: Response): { status: number; body: unknown; headers: Record<string, unknown> } {
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !PER_RESPONSE.has(name)));
  return { status: res.status, body: res.body, headers };
}

forEachStorage('security: no user enumeration at login', (target) => {
  const gateway = useGateway(target);
  let active: User;
  let disabled: User;
  let attempt: Record<Case, (gw: SecurityGateway) => Promise<Response>>;

  beforeAll(async () => {
    const gw = gateway();
    active = await gw.addUser('active');
    disabled = await gw.addUser('disabled');
    await gw.disable(disabled.username);
    attempt = {
      'unknown user': (g) => g.tryLogin(`nobody-${active.username}`, active.password),
      'wrong password': (g) => g.tryLogin(active.username, `${active.password}-wrong`),
      'disabled user': (g) => g.tryLogin(disabled.username, disabled.password),
    };
    for (const c of CASES) await attempt[c](gw);
  });

  it('answers unknown user, wrong password and disabled user with the same status, body and headers', async () => {
    const gw = gateway();
    const seen = new Map<Case, ReturnType<typeof visible>>();
    for (const c of CASES) {
      const res = await attempt[c](gw);
      expectError(res, 401, 'invalid_credentials');
      seen.set(c, visible(res));
    }
    expect(seen.get('unknown user')).toEqual(seen.get('wrong password'));
    expect(seen.get('disabled user')).toEqual(seen.get('wrong password'));
  });

  it('answers the three in similar time: median per-round time ratios within a factor of 1.5 (unknown users verify a dummy hash)', async () => {
    const gw = gateway();
    const times: Record<Case, number[]> = { 'unknown user': [], 'wrong password': [], 'disabled user': [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = CASES.map((_, i) => CASES[(i + round) % CASES.length]!);
      for (const c of order) {
        const started = performance.now();
        const res = await attempt[c](gw);
        times[c].push(performance.now() - started);
        expect(res.status).toBe(401);
      }
    }
    // Each round's three requests run back to back, so comparing within a round cancels the
    // load of whatever else runs on the machine; the median over rounds drops the outliers.
    const ratios = CASES.map((c) => median(times[c].map((ms, i) => ms / times['wrong password'][i]!)));
    const medians = CASES.map((c) => Math.round(median(times[c])));
    expect({ ratios, medians, within: ratios.every((r) => r < 1.5 && r > 1 / 1.5) }).toEqual({ ratios, medians, within: true });
    // The dummy hash costs what a real one does: a miss without hashing would be far below 5 ms.
    expect(Math.min(...medians)).toBeGreaterThan(5);
  });

  it('a form login fails the same way for all three: 401 and the same page', async () => {
    const gw = gateway();
    const pages: string[] = [];
    for (const [username, password] of [
      [`nobody-${active.username}`, 'x-password'],
      [active.username, 'x-password'],
      [disabled.username, disabled.password],
    ] as const) {
      const res = await gw.http().post('/auth/login').set('X-Forwarded-For', '192.0.2.77').type('form').send({ username, password });
      expect(res.status).toBe(401);
      // The form echoes the username back; everything else must be identical.
      pages.push(res.text.replace(/(<input id="username"[^>]*value=")[^"]*"/, '$1"'));
    }
    expect(new Set(pages).size).toBe(1);
  });

  itLeaksNoSecrets(gateway);
});
