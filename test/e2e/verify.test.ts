import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, TTL, useGateway } from '../support/e2e-harness';

forEachStorage('e2e: GET /auth/verify (forward-auth)', (target) => {
  const gateway = useGateway(target);

  it('200 with X-User-Id, X-User-Name, X-User-Roles and X-Session-Id', async () => {
    const gw = gateway();
    const user = await gw.addUser({ roles: ['admin', 'ops'] });
    const t = await gw.login(user);
    const res = await gw.http().get('/auth/verify').set('Authorization', `Bearer ${t.access}`);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'x-user-id': user.id,
      'x-user-name': user.username,
      'x-user-roles': 'admin,ops',
      'x-session-id': t.sid,
      'cache-control': 'no-store',
    });
    expect(setCookies(res)).toEqual({});
  });

  it('a user without roles gets an empty X-User-Roles', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser({ roles: [] }));
    const res = await gw.http().get('/auth/verify').set('Cookie', cookieHeader({ access: t.access }));
    expect(res.status).toBe(200);
    expect(res.headers['x-user-roles']).toBe('');
  });

  it('a non-ASCII username reaches the header percent-encoded, never raw', async () => {
    const gw = gateway();
    const user = await gw.addUser({ username: `Zoë-${process.pid}-${Date.now()}` });
    const t = await gw.login(user);
    const res = await gw.http().get('/auth/verify').set('Authorization', `Bearer ${t.access}`);
    expect(res.status).toBe(200);
    expect(decodeURIComponent(res.headers['x-user-name'] as string)).toBe(user.username);
    expect(res.headers['x-user-name']).toMatch(/^[\x20-\x7e]+$/);
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const)('any method works: %s', async (method) => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';
    const res = await gw.http()[verb]('/auth/verify').set('Authorization', `Bearer ${t.access}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-session-id']).toBe(t.sid);
    expect(res.headers.allow).toBeUndefined();
  });

  it.each(['POST', 'DELETE'] as const)('%s with cookies (no Origin: a forward-auth subrequest) reissues on case 2', async (method) => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    gw.advance(TTL.access + TTL.skew + 1);
    const res = gw.track(await gw.http()[method === 'POST' ? 'post' : 'delete']('/auth/verify').set('Cookie', cookieHeader(t)));
    expect(res.status).toBe(200);
    expect(Object.keys(setCookies(res)).sort()).toEqual(['access_token', 'refresh_token']);
  });

  it('HEAD answers 200 with the identity headers and no body', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    const res = await gw.http().head('/auth/verify').set('Authorization', `Bearer ${t.access}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-session-id']).toBe(t.sid);
    expect(res.text ?? '').toBe('');
  });

  it('401 without identity headers when the gate refuses', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    gw.advance(TTL.refresh + TTL.skew + 1);
    for (const req of [gw.http().get('/auth/verify'), gw.http().post('/auth/verify').set('Cookie', cookieHeader(t))]) {
      const res = await req;
      expectError(res, 401, 'login_required');
      for (const h of ['x-user-id', 'x-user-name', 'x-user-roles', 'x-session-id']) expect(res.headers[h]).toBeUndefined();
    }
  });

  it('identity headers sent by the client never come back as the identity', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const t = await gw.login(user);
    const res = await gw.http().get('/auth/verify').set('Authorization', `Bearer ${t.access}`).set('X-User-Id', 'admin').set('X-User-Roles', 'admin');
    expect(res.headers).toMatchObject({ 'x-user-id': user.id, 'x-user-roles': 'reader' });
    const anon = await gw.http().get('/auth/verify').set('X-User-Id', 'admin');
    expectError(anon, 401, 'login_required');
  });

  itKeepsSecretsOutOfLogs(gateway);
});
