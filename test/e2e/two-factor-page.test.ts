import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectError, itKeepsSecretsOutOfLogs, useGateway, type StorageTarget } from '../support/e2e-harness';
import { TYPES } from '../../src/container';
import { codeAt, codeStep, passwordStep } from '../support/e2e-totp';

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const sqlite = (): StorageTarget => ({ kind: 'sqlite', databaseUrl: (dir) => `sqlite:${dir}/t.db` });

describe('e2e: GET/POST <prefix>/2fa, self-service enrolment', () => {
  const gateway = useGateway(sqlite);

  it('a logged-in user scans an inline SVG QR code, confirms with a code, and gets ten recovery codes once', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const t = await gw.login(user);
    const cookie = cookieHeader({ access: t.access, refresh: t.refresh });
    const page = await gw.http().get('/auth/2fa?rd=/app').set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toMatch(/<svg[^>]*>/);
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.text)?.[1] ?? '';
    gw.remember(secret);
    expect(page.text).toContain(`name="secret" value="${secret}"`);

    const wrong = await gw.http().post('/auth/2fa').set('Cookie', cookie).type(FORM).send(form({ secret, code: codeAt(secret, gw.clock.now(), 4), rd: '/app' }));
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('did not match');

    const done = await gw.http().post('/auth/2fa').set('Cookie', cookie).type(FORM).send(form({ secret, code: codeAt(secret, gw.clock.now()), rd: '/app' }));
    expect(done.status).toBe(200);
    const codes = [...done.text.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    gw.remember(...codes);
    expect(codes).toHaveLength(10);
    expect(done.text).toContain('href="/auth/login?rd=%2Fapp"');

    const again = await gw.http().get('/auth/2fa?rd=/app').set('Cookie', cookie);
    expect(again.text).toContain('Sign in again');
    expect(again.text).not.toContain('<svg');
    const replace = await gw.http().post('/auth/2fa').set('Cookie', cookie).send({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', code: '123456' });
    expectError(replace, 400, 'invalid_request');

    gw.advance(31);
    const res = await codeStep(gw, await passwordStep(gw, user), codeAt(secret, gw.clock.now()));
    expect(res.status).toBe(200);
    const otpCookie = cookieHeader({ access: setCookies(res).access_token?.value });
    expect((await gw.http().get('/auth/2fa').set('Cookie', otpCookie)).text).toContain('Your session used your second factor');
  });

  // Regression: two confirmations racing past the "already enrolled" check both succeeded, and
  // the second silently replaced the first's secret and recovery codes. Over HTTP the two
  // requests did not interleave reliably; at the use-case they do.
  it('of two self-service confirmations at once, one enrols and the other is refused; the winner\'s secret stays', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const begin = gw.comp.container.get(TYPES.BeginTotp);
    const offers = [(await begin.execute(user.username))!, (await begin.execute(user.username))!];
    gw.remember(...offers.map((o) => o.secret));
    const confirm = gw.comp.container.get(TYPES.ConfirmTotp);
    const results = await Promise.allSettled(offers.map((o) => confirm.execute({ userId: o.userId, secret: o.secret, code: codeAt(o.secret, gw.clock.now()), replace: false })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.findIndex((r) => r.status === 'rejected');
    expect((results[lost] as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_request' });
    for (const r of results) if (r.status === 'fulfilled') gw.remember(...r.value.recoveryCodes);
    gw.advance(31);
    const token = await passwordStep(gw, user);
    expect((await codeStep(gw, token, codeAt(offers[1 - lost]!.secret, gw.clock.now()))).status).toBe(200);
  });

  it('sends a browser without a session to the login page and back', async () => {
    const gw = gateway();
    const res = await gw.http().get('/auth/2fa?rd=/app').set('Accept', 'text/html');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/auth/login?rd=${encodeURIComponent('/auth/2fa?rd=/app')}`);
  });

  it('refuses a malformed confirmation with 400 and a cross-site one with 403', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.sharedUser());
    const cookie = cookieHeader({ access: t.access, refresh: t.refresh });
    expectError(await gw.http().post('/auth/2fa').set('Cookie', cookie).send({ secret: 'not base32!', code: '1' }), 400, 'invalid_request');
    expectError(await gw.http().post('/auth/2fa').set('Cookie', cookie).set('Origin', 'https://evil.example').send({}), 403, 'forbidden');
  });

  itKeepsSecretsOutOfLogs(gateway);
});
