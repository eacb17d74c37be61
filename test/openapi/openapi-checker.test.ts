import type { Response } from 'supertest';
import { OPENAPI_DOCUMENT } from '../../src/adapters/http/openapi';
import { OpenApiChecker, type Json } from './openapi-checker';

const checker = new OpenApiChecker(OPENAPI_DOCUMENT as Json);

/** A response as supertest shapes it, with only what the checker reads. */
function answer(status: number, body: unknown, headers: Record<string, string | string[]> = {}): Response {
  const json = typeof body !== 'string';
  return {
    status,
    body: json ? body : {},
    text: json ? JSON.stringify(body) : body,
    headers: { 'content-type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8', 'x-request-id': 'r-1', ...headers },
  } as unknown as Response;
}

const unauthorized = { 'www-authenticate': 'Bearer error="login_required"' };

describe('the OpenAPI checker refuses what the document does not say', () => {
  it('accepts a conforming answer', () => {
    expect(checker.problems('GET', '/auth/me', answer(401, { error: 'login_required', error_description: 'log in' }, unauthorized))).toEqual([]);
  });

  it.each([
    ['an undocumented status', answer(418, { error: 'internal_error', error_description: 'x' }), /does not list/],
    ['an undocumented path', answer(200, {}), /not documented/],
    ['a code outside the response', answer(401, { error: 'invalid_credentials', error_description: 'x' }, unauthorized), /must be equal to one of the allowed values/],
    ['an extra body field', answer(401, { error: 'login_required', error_description: 'x', stack: 'at …' }, unauthorized), /additional properties/],
    ['a missing required header', answer(401, { error: 'login_required', error_description: 'x' }), /WWW-Authenticate is missing/],
    ['a malformed header', answer(401, { error: 'login_required', error_description: 'x' }, { 'www-authenticate': 'Basic' }), /WWW-Authenticate/],
    ['an undocumented content type', answer(401, '<p>no</p>', unauthorized), /content type "text\/html"/],
  ])('refuses %s', (_, res, message) => {
    const path = res.status === 200 ? '/auth/nowhere' : '/auth/me';
    expect(checker.problems('GET', path, res).join('\n')).toMatch(message);
  });

  it('refuses a TokenResponse with a field too many, and a 405 whose Allow differs from the document', () => {
    const grant = { tokenType: 'Bearer', accessToken: 'a.b.c', expiresIn: 900, refreshToken: 'a.b.c', refreshExpiresIn: 9, reissued: ['access'], scope: 'x' };
    const cookies = { 'set-cookie': ['access_token=a.b.c; Max-Age=900; Path=/; HttpOnly; SameSite=Lax'], 'cache-control': 'no-store' };
    expect(checker.problems('POST', '/auth/login', answer(200, grant, cookies)).join('\n')).toMatch(/additional properties/);
    const notAllowed = answer(405, { error: 'method_not_allowed', error_description: 'x' }, { allow: 'GET, POST' });
    expect(checker.problems('PUT', '/auth/login', notAllowed).join('\n')).toMatch(/Allow "GET, POST" differs/);
  });
});
