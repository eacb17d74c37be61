import type { Response, Test } from 'supertest';
import { cookieHeader, setCookies } from './e2e-cookies';
import type { Gateway } from './e2e-harness';

/** How a client carries its tokens: cookies only, or `Authorization: Bearer` + `X-Refresh-Token`. */
export type Mode = 'cookie' | 'header';
/** The two endpoints that apply the decision table and reissue. */
export type Endpoint = 'refresh' | 'verify';

export interface Presented {
  access?: string | null;
  refresh?: string | null;
}

/** Sends `tokens` the way `mode` says. */
export function present(test: Test, mode: Mode, tokens: Presented): Test {
  if (mode === 'cookie') {
    const cookie = cookieHeader(tokens);
    return cookie ? test.set('Cookie', cookie) : test;
  }
  if (tokens.access) test.set('Authorization', `Bearer ${tokens.access}`);
  if (tokens.refresh) test.set('X-Refresh-Token', tokens.refresh);
  return test;
}

/** `POST /auth/refresh` or `GET /auth/verify` with the tokens; every token handed out is remembered. */
export async function call(gw: Gateway, endpoint: Endpoint, mode: Mode, tokens: Presented): Promise<Response> {
  const test = endpoint === 'refresh' ? gw.http().post('/auth/refresh') : gw.http().get('/auth/verify');
  return gw.track(await present(test, mode, tokens));
}

/**
 * Asserts a 200 that reissued exactly `expected`: a cookie per new token (always), response
 * headers too in header mode, and on `/auth/refresh` a TokenResponse naming them. Returns the
 * tokens the client holds afterwards.
 */
export function expectReissued(
  res: Response,
  endpoint: Endpoint,
  mode: Mode,
  expected: ('access' | 'refresh')[],
  sent: Presented,
): { access: string | null; refresh: string | null } {
  expect(res.status).toBe(200);
  const cookies = setCookies(res);
  const names = expected.map((k) => `${k}_token`).sort();
  expect(Object.keys(cookies).sort()).toEqual(names);
  const access = cookies.access_token?.value ?? null;
  const refresh = cookies.refresh_token?.value ?? null;
  if (access) expect(access).not.toBe(sent.access);
  if (refresh) expect(refresh).not.toBe(sent.refresh);
  if (mode === 'header') {
    expect(res.headers['x-access-token']).toBe(access ?? undefined);
    expect(res.headers['x-refresh-token']).toBe(refresh ?? undefined);
  } else {
    expect(res.headers['x-access-token']).toBeUndefined();
    expect(res.headers['x-refresh-token']).toBeUndefined();
  }
  if (expected.length > 0) expect(res.headers['cache-control']).toBe('no-store');
  if (endpoint === 'refresh') {
    expect(res.body).toEqual({
      tokenType: 'Bearer',
      accessToken: access ?? sent.access,
      expiresIn: expect.any(Number),
      refreshToken: refresh ?? sent.refresh,
      refreshExpiresIn: expect.any(Number),
      reissued: expected,
    });
  } else {
    expect(res.headers['x-session-id']).toEqual(expect.any(String));
  }
  return { access: access ?? sent.access ?? null, refresh: refresh ?? sent.refresh ?? null };
}
