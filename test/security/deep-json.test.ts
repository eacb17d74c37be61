import { expectError, forEachStorage, itLeaksNoSecrets, useGateway, type SecurityGateway, type User } from '../support/security-harness';

/** A login body whose `x` field nests `depth - 1` arrays, so that the whole body is `depth` deep. */
const nested = (u: User, depth: number): string =>
  `{"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)},"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

const post = (gw: SecurityGateway, body: string) => gw.http().post('/auth/login').set('Content-Type', 'application/json').send(body);

/** Issue 12 #4: 8,000 nested arrays overflowed the stack in the key check (a 500 and an error-level stack trace). */
forEachStorage('security: deeply nested JSON', (target) => {
  const gateway = useGateway(target);

  it('refuses 8,000 nested arrays in a 16 KB body with 400 invalid_request, logging no error', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const body = nested(user, 8000);
    expect(Buffer.byteLength(body)).toBeLessThan(16 * 1024);
    expectError(await post(gw, body), 400, 'invalid_request');
    expect(gw.logs.entries().filter((e) => typeof e.level === 'number' && e.level >= 50)).toEqual([]);
  });

  it('refuses a body nested 33 deep (objects and arrays), even with the right password', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    expectError(await post(gw, nested(user, 33)), 400, 'invalid_request');
    const objects = `{"username":${JSON.stringify(user.username)},"password":${JSON.stringify(user.password)},"x":${'{"a":'.repeat(32)}1${'}'.repeat(32)}}`;
    expectError(await post(gw, objects), 400, 'invalid_request');
  });

  it('accepts a body nested 32 deep, and brackets inside strings do not count', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    expect(gw.track(await post(gw, nested(user, 32))).status).toBe(200);
    const inString = `{"username":${JSON.stringify(user.username)},"password":${JSON.stringify(user.password)},"x":"${'['.repeat(100)}\\"{{{"}`;
    expect(gw.track(await post(gw, inString)).status).toBe(200);
  });

  itLeaksNoSecrets(gateway);
});
