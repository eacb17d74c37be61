import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';

let dir: string;
let comp: Composition;

/** The value of one sample line, e.g. `tokengate_gate_outcomes_total{outcome="pass"}`. */
async function sample(series: string): Promise<number> {
  const res = await request(comp.app.callback()).get('/metrics');
  expect(res.status).toBe(200);
  const line = res.text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-metrics-'));
  const config = loadConfig({ DATABASE_URL: 'memory:', JWT_SECRET: 's'.repeat(40), LOG_LEVEL: 'silent', REFRESH_REUSE_GRACE: '0' }, { cwd: dir });
  comp = await compose(config, { defaultMetrics: false });
  await comp.container.get(TYPES.AddUser).execute({ username: 'mia', password: 'pw-mia-123', roles: [] });
});
afterAll(async () => {
  await comp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /metrics', () => {
  it('is Prometheus text with a zeroed counter for every decision-table outcome', async () => {
    const res = await request(comp.app.callback()).get('/metrics');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    for (const outcome of ['pass', 'access_reissued', 'refresh_reissued', 'login_required', 'invalid', 'revoked', 'reused', 'grace_hit']) {
      expect(res.text).toContain(`tokengate_gate_outcomes_total{outcome="${outcome}"}`);
    }
  });

  it('moves as logins and gated requests flow', async () => {
    const app = comp.app.callback();
    const before = {
      ok: await sample('tokengate_logins_total{result="success"}'),
      bad: await sample('tokengate_logins_total{result="failure"}'),
      pass: await sample('tokengate_gate_outcomes_total{outcome="pass"}'),
      login: await sample('tokengate_gate_outcomes_total{outcome="login_required"}'),
      invalid: await sample('tokengate_gate_outcomes_total{outcome="invalid"}'),
      access: await sample('tokengate_gate_outcomes_total{outcome="access_reissued"}'),
      reused: await sample('tokengate_gate_outcomes_total{outcome="reused"}'),
    };
    await request(app).post('/auth/login').send({ username: 'mia', password: 'wrong' }).expect(401);
    const login = await request(app).post('/auth/login').send({ username: 'mia', password: 'pw-mia-123' }).expect(200);
    const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };
    await request(app).get('/auth/me').set('authorization', `Bearer ${accessToken}`).expect(200);
    await request(app).get('/auth/me').expect(401);
    await request(app).get('/auth/me').set('authorization', 'Bearer a.b.c').expect(401);
    await request(app).post('/auth/refresh').set('x-refresh-token', refreshToken).expect(200);
    await new Promise((r) => setTimeout(r, 5));
    await request(app).post('/auth/refresh').set('x-refresh-token', refreshToken).expect(401);
    expect(await sample('tokengate_logins_total{result="success"}')).toBe(before.ok + 1);
    expect(await sample('tokengate_logins_total{result="failure"}')).toBe(before.bad + 1);
    expect(await sample('tokengate_gate_outcomes_total{outcome="pass"}')).toBe(before.pass + 1);
    expect(await sample('tokengate_gate_outcomes_total{outcome="login_required"}')).toBe(before.login + 1);
    expect(await sample('tokengate_gate_outcomes_total{outcome="invalid"}')).toBe(before.invalid + 1);
    expect(await sample('tokengate_gate_outcomes_total{outcome="access_reissued"}')).toBe(before.access + 1);
    expect(await sample('tokengate_gate_outcomes_total{outcome="reused"}')).toBe(before.reused + 1);
  });

  it('counts proxied responses by route, status and class, and observes their latency', async () => {
    const app = comp.handler;
    const login = await request(app).post('/auth/login').send({ username: 'mia', password: 'pw-mia-123' }).expect(200);
    const series = 'tokengate_proxy_responses_total{route="/",code="200",class="2xx"}';
    const before = await sample(series);
    const count = await sample('tokengate_proxy_duration_seconds_count{route="/"}');
    await request(app).get('/anything').set('authorization', `Bearer ${login.body.accessToken as string}`).expect(200);
    expect(await sample(series)).toBe((Number.isNaN(before) ? 0 : before) + 1);
    expect(await sample('tokengate_proxy_duration_seconds_count{route="/"}')).toBe((Number.isNaN(count) ? 0 : count) + 1);
  });
});
