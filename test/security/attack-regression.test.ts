import { RecordingUpstream } from '../support/gateway-upstream';
import { expectError, forEachStorage, itLeaksNoSecrets, useGateway } from '../support/security-harness';
import { ATTACKS } from './support/attack-cases';

/**
 * The attack regression table (issue 12): each attack against the real server on loopback,
 * on SQLite and MySQL, must meet its exact refusal (status, error code, WWW-Authenticate on
 * 401 only) and never reach the upstream. `npm run test:security` runs it with the rest of
 * test/security; `docs/security.md` lists every class with the test that covers it.
 */
let up: RecordingUpstream;
beforeAll(async () => {
  up = await RecordingUpstream.start();
});
afterAll(async () => {
  await up.close();
});

forEachStorage('security: attack regression table', (target) => {
  // A getter: read when the gateway starts, after the upstream (beforeAll above).
  const gateway = useGateway(target, {
    get UPSTREAM_URL() {
      return up.url;
    },
    LOGIN_RATE_LIMIT: '5/15m',
    CORS_ORIGINS: 'https://app.example',
  } as Record<string, string>);

  it.each(ATTACKS.map((a) => [`${a.attack}: ${a.name}`, a] as const))('%s', async (_title, attack) => {
    const gw = gateway();
    const user = await gw.addUser('target');
    const tokens = await gw.login(user);
    const before = up.requests.length;
    const res = gw.track(await attack.run({ gw, user, tokens }));
    expectError(res, attack.status, attack.error);
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(access|refresh)_token=[^;]+/)]));
    expect(up.requests.length - before).toBe(0);
  });

  it('(control) the same gateway proxies a genuine request', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    const before = up.requests.length;
    expect((await gw.http().get('/app/data').set('Authorization', `Bearer ${t.access}`)).status).toBe(200);
    expect(up.requests.length - before).toBe(1);
  });

  itLeaksNoSecrets(gateway);
});
