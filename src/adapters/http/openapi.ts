import { ERROR_CODES, type ErrorCode } from '../../domain/errors';
import { EXTRA_PATHS, MFA_LOGIN_401 } from './openapi-mfa';

/**
 * The OpenAPI 3.1 description of tokengate's own endpoints (SPEC §4), written for the
 * default prefix `/auth`; `openApiForPrefix` (openapi-route.ts) serves it under another.
 * Other methods on these paths answer `components.responses.MethodNotAllowed`.
 */
export const OPENAPI_DEFAULT_PREFIX = '/auth';
type Json = Record<string, unknown>;

const ref = (kind: string, name: string): Json => ({ $ref: `#/components/${kind}/${name}` });
const res = (name: string): Json => ref('responses', name);
const schema = (name: string): Json => ref('schemas', name);
const json = (s: Json): Json => ({ 'application/json': { schema: s } });
const JWT = { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$', maxLength: 8192 };
const ISO_TIME = { type: 'string', format: 'date-time' };
const REQUEST_ID = { 'X-Request-Id': ref('headers', 'XRequestId') };
const REISSUE_HEADERS = {
  'Set-Cookie': ref('headers', 'SetTokenCookies'),
  'X-Access-Token': ref('headers', 'XAccessToken'),
  'X-Refresh-Token': ref('headers', 'XRefreshToken'),
};

function header(description: string, s: Json, required = true): Json {
  return { description, required, schema: s };
}

/** An error answer: the `Error` body narrowed to `codes`, with the headers those codes carry. */
function errorResponse(description: string, codes: readonly ErrorCode[], extra: Json = {}, html = false): Json {
  const body = { 'application/json': { schema: { $ref: '#/components/schemas/Error', type: 'object', properties: { error: { enum: [...codes] } } } } };
  return { description, headers: { ...REQUEST_ID, ...extra }, content: html ? { ...body, 'text/html': { schema: { type: 'string' } } } : body };
}

const TOKEN_CODES: ErrorCode[] = ['invalid_token', 'login_required', 'token_revoked', 'token_reused'];
const WWW_AUTH = { 'WWW-Authenticate': ref('headers', 'WWWAuthenticate') };
const RETRY_AFTER = { 'Retry-After': ref('headers', 'RetryAfter') };

/** Answers every `/auth/*` operation may give besides its own. */
const COMMON = { '500': res('InternalError'), '503': res('ServiceUnavailable') };
const BODY_ERRORS = { '400': res('BadRequest'), '413': res('PayloadTooLarge') };
const TOKEN_SECURITY = [{ bearerAuth: [] }, { accessCookie: [] }, { refreshCookie: [] }, { refreshHeader: [] }];

const grantOk = (description: string): Json => ({
  description,
  headers: { ...REQUEST_ID, ...REISSUE_HEADERS, 'Set-Cookie': ref('headers', 'SetTokenCookiesRequired'), 'Cache-Control': ref('headers', 'CacheControlNoStore') },
  content: json(schema('TokenResponse')),
});

const identityOk = (description: string, body: Json, extra: Json = {}): Json => ({
  description,
  headers: { ...REQUEST_ID, ...REISSUE_HEADERS, 'Cache-Control': ref('headers', 'CacheControlNoStore'), ...extra },
  content: json(body),
});

const redirect = (description: string, cookies: Json): Json => ({
  description,
  headers: { ...REQUEST_ID, Location: header('Where to go: a same-origin relative path, else `/`.', { type: 'string', pattern: '^/' }), 'Set-Cookie': cookies },
  content: { 'text/plain': { schema: { type: 'string' } }, 'text/html': { schema: { type: 'string' } } },
});

function verifyOperation(method: string): Json {
  const ok = identityOk('Authenticated: identity headers for the upstream, and any reissued cookies to relay.', schema('VerifyIdentity'), {
    'X-User-Id': header('The user id (`sub`), percent-encoded outside visible ASCII.', { type: 'string', minLength: 1 }),
    'X-User-Name': header('The username, percent-encoded outside visible ASCII.', { type: 'string', minLength: 1 }),
    'X-User-Roles': header('Roles, comma-separated (empty when none).', { type: 'string' }),
    'X-Session-Id': header('The session id (`sid`).', { type: 'string', minLength: 1 }),
    'X-User-Amr': header('How the session\'s login was done (RFC 8176), comma-separated: `pwd`, or `pwd,otp` after a second factor.', { type: 'string', minLength: 1 }),
  });
  if (method === 'head') delete ok.content;
  return {
    tags: ['forward-auth'],
    operationId: `verify${method[0]?.toUpperCase()}${method.slice(1)}`,
    summary: 'Forward-auth check (nginx auth_request, Traefik ForwardAuth, Envoy ext_authz); any method',
    description: 'Applies the token decision table and reissues expired tokens. Every method answers the same way. With `Prefer: return=minimal` (RFC 7240; forward-auth proxies should send it) the 200 has the headers and no body, and `Preference-Applied: return=minimal`. A request body is never read: it is the app\'s (no 400 or 413 here, and a `refreshToken` field in it is ignored).',
    security: TOKEN_SECURITY,
    responses: { '200': ok, '401': res('TokenRejected'), '403': res('Forbidden'), ...COMMON },
  };
}

const VERIFY_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const textBody = (type: string, description: string, extra: Json = {}): Json => ({ description, headers: { ...REQUEST_ID, ...extra }, content: { [type]: { schema: { type: 'string' } } } });
const scopeParam = { name: 'scope', in: 'query', required: false, description: '`local` this session, `others` the user\'s other sessions (cookies kept), `global` all of them.', schema: { type: 'string', enum: ['local', 'others', 'global'], default: 'local' } };
const refreshParam = { name: 'X-Refresh-Token', in: 'header', required: false, description: 'The refresh token (before the body field and the cookie).', schema: JWT };
const formLogin = { type: 'object', required: ['username', 'password'], properties: { username: schema('Username'), password: schema('Password'), rd: { type: 'string', description: 'Where to go after logging in (303).' } } };

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.1',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'tokengate',
    version: '0.1.0',
    summary: 'Authentication gateway: login, access and refresh JWTs, forward-auth, reverse proxy.',
    description: 'The auth endpoints live under `/auth` (`AUTH_PREFIX`); every other path not listed here is proxied to the upstream. Every response carries `X-Request-Id`. A method a path does not list answers 405 with `Allow` (`components.responses.MethodNotAllowed`); an unknown path under `/auth/` answers 404 `not_found`. With `CORS_ORIGINS`, a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from a listed origin to `/auth/*` answers 204 with the `Access-Control-Allow-*` headers. Request headers over the Node.js size limit get a bare 431 from Node.js itself. Token cookie names are `access_token` and `refresh_token` unless `ACCESS_COOKIE_NAME` / `REFRESH_COOKIE_NAME` say otherwise.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: '/', description: 'this gateway' }],
  tags: [{ name: 'auth' }, { name: 'forward-auth' }, { name: 'system' }],
  paths: {
    '/auth/login': {
      get: {
        tags: ['auth'], operationId: 'loginPage', summary: 'The HTML login form',
        parameters: [{ name: 'rd', in: 'query', required: false, description: 'Where to go after logging in; kept in the form.', schema: { type: 'string' } }],
        responses: {
          '200': textBody('text/html', 'The login form.', { 'Cache-Control': ref('headers', 'CacheControlNoStore') }),
          '400': errorResponse('`invalid_request`: credentials in the query string. A browser (`Accept` allowing HTML) gets the form again, empty, with the error; other clients the JSON error.', ['invalid_request'], {}, true),
          ...COMMON,
        },
      },
      post: {
        tags: ['auth'], operationId: 'login', summary: 'Log in: a new session every time',
        requestBody: { required: true, content: { 'application/json': { schema: schema('LoginRequest') }, 'application/x-www-form-urlencoded': { schema: formLogin } } },
        responses: {
          '200': grantOk('Logged in: both tokens, as body and cookies.'),
          '303': redirect('A form post with `rd`: logged in, cookies set, sent to `rd`.', ref('headers', 'SetTokenCookiesRequired')),
          '400': errorResponse('Bad input (`invalid_request`); a form post gets the form again with the error.', ['invalid_request'], {}, true),
          '401': MFA_LOGIN_401,
          '403': errorResponse('`forbidden`: a browser request from another origin (login CSRF, SPEC §4), unless `CORS_ORIGINS` lists it.', ['forbidden']),
          '413': res('PayloadTooLarge'),
          '429': errorResponse('Too many failed logins for this username or address; even a right password waits.', ['rate_limited'], RETRY_AFTER),
          ...COMMON,
        },
      },
    },
    '/auth/refresh': {
      post: {
        tags: ['auth'], operationId: 'refresh', summary: 'Apply the decision table to the tokens given and return the current pair',
        security: [{ refreshHeader: [] }, { refreshCookie: [] }, {}],
        parameters: [refreshParam],
        requestBody: { required: false, content: json(schema('RefreshRequest')) },
        responses: { '200': grantOk('The tokens to keep from now on; `reissued` names what is new.'), ...BODY_ERRORS, '401': res('TokenRejected'), '403': res('Forbidden'), ...COMMON },
      },
    },
    '/auth/logout': {
      post: {
        tags: ['auth'], operationId: 'logout', summary: 'End the session named by the refresh or access token',
        security: [...TOKEN_SECURITY, {}],
        parameters: [scopeParam, refreshParam],
        requestBody: { required: false, content: { ...json(schema('RefreshRequest')), 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { rd: { type: 'string' } } } } } },
        responses: {
          '204': { description: 'Done (also when no, an invalid or an already revoked token was given); cookies cleared unless `scope=others`.', headers: { ...REQUEST_ID, 'Set-Cookie': ref('headers', 'ClearTokenCookies') } },
          '303': redirect('A form post with `rd`: logged out, sent to `rd`.', ref('headers', 'ClearTokenCookies')),
          ...BODY_ERRORS,
          '401': errorResponse('`scope=others` or `global` with a stale token (expired, or spent by rotation): log in again.', ['login_required'], WWW_AUTH),
          '403': res('Forbidden'), ...COMMON,
        },
      },
    },
    '/auth/me': {
      get: {
        tags: ['auth'], operationId: 'me', summary: 'The identity of the caller', security: TOKEN_SECURITY,
        responses: { '200': identityOk('The caller.', schema('Me')), '401': res('TokenRejected'), ...COMMON },
      },
    },
    '/auth/sessions': {
      get: {
        tags: ['auth'], operationId: 'sessions', summary: "The caller's live sessions", security: TOKEN_SECURITY,
        responses: { '200': identityOk('Live sessions, the current one marked.', { type: 'array', items: schema('Session') }), '401': res('TokenRejected'), ...COMMON },
      },
    },
    '/auth/verify': Object.fromEntries(VERIFY_METHODS.map((m) => [m, verifyOperation(m)])),
    '/auth/openapi.json': {
      get: {
        tags: ['system'], operationId: 'openapi', summary: 'This document, with paths under the configured prefix',
        responses: { '200': { description: 'The OpenAPI 3.1 document.', headers: REQUEST_ID, content: json({ type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: { type: 'string', pattern: '^3\\.1\\.' }, info: { type: 'object' }, paths: { type: 'object' } } }) }, ...COMMON },
      },
    },
    ...EXTRA_PATHS,
    '/healthz': { get: { tags: ['system'], operationId: 'healthz', summary: 'The process is up', responses: { '200': { description: 'Up.', headers: REQUEST_ID, content: json(schema('Health')) }, '500': res('InternalError') } } },
    '/readyz': {
      get: {
        tags: ['system'], operationId: 'readyz', summary: 'Storage is reachable and the process is not draining',
        responses: { '200': { description: 'Ready.', headers: REQUEST_ID, content: json(schema('Ready')) }, ...COMMON },
      },
    },
    '/metrics': { get: { tags: ['system'], operationId: 'metrics', summary: 'Prometheus metrics', responses: { '200': textBody('text/plain', 'Prometheus text exposition format 0.0.4.'), '500': res('InternalError') } } },
    '/.well-known/jwks.json': {
      get: {
        tags: ['system'], operationId: 'jwks', summary: 'Public signing keys (RS256/ES256 only)',
        responses: { '200': { description: 'The key set.', headers: REQUEST_ID, content: json(schema('Jwks')) }, '404': res('NotFound'), '500': res('InternalError') },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token (`typ: at+jwt`); scheme name case-insensitive.' },
      accessCookie: { type: 'apiKey', in: 'cookie', name: 'access_token', description: 'The access token cookie (when there is no Bearer header).' },
      refreshCookie: { type: 'apiKey', in: 'cookie', name: 'refresh_token', description: 'The refresh token cookie (`typ: rt+jwt`).' },
      refreshHeader: { type: 'apiKey', in: 'header', name: 'X-Refresh-Token', description: 'The refresh token in a header (before the body field and the cookie).' },
    },
    headers: {
      XRequestId: header('The request id: the client\'s when it is 1–128 of `[A-Za-z0-9._-]`, else a new one.', { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' }),
      WWWAuthenticate: header('RFC 6750 challenge naming the error code.', { type: 'string', pattern: '^Bearer error="[a-z_]+"$' }),
      RetryAfter: header('Seconds to wait before trying again.', { type: 'integer', minimum: 0 }),
      Allow: header('The methods the path accepts.', { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' }),
      CacheControlNoStore: header('Responses that carry tokens or identities are never cached.', { type: 'string', pattern: 'no-store' }),
      SetTokenCookies: header('Reissued token cookies: `HttpOnly`, `Path=/`, `SameSite`, `Max-Age` = token lifetime, `Secure` unless `COOKIE_SECURE=false`.', { type: 'string', pattern: '^[^=;\\s]+=[^;]+;.*Max-Age=[1-9][0-9]*.*HttpOnly' }, false),
      SetTokenCookiesRequired: header('Both token cookies: `HttpOnly`, `Path=/`, `SameSite`, `Max-Age` = token lifetime.', { type: 'string', pattern: '^[^=;\\s]+=[^;]+;.*Max-Age=[1-9][0-9]*.*HttpOnly' }),
      ClearTokenCookies: header('Both token cookies cleared (`Max-Age=0`); absent for `scope=others`.', { type: 'string', pattern: '^[^=;\\s]+=;.*Max-Age=0' }, false),
      XAccessToken: header('A reissued access token, when the request carried a token in a header.', JWT, false),
      XRefreshToken: header('A reissued refresh token, when the request carried a token in a header.', JWT, false),
    },
    responses: {
      BadRequest: errorResponse('Malformed body (JSON, form, UTF-8), missing or ill-typed fields, credentials in the query, unsupported content type.', ['invalid_request']),
      TokenRejected: errorResponse('No usable token: the code says why.', TOKEN_CODES, WWW_AUTH),
      Forbidden: errorResponse('A cookie-authenticated unsafe request from another origin (CSRF), a missing role, or a session without a second factor where one is required (`mfa_required`: proxied routes with `"mfa": true`; proxied routes and `/auth/verify` for holders of a `MFA_REQUIRED_ROLES` role).', ['forbidden', 'mfa_required']),
      NotFound: errorResponse('Nothing here.', ['not_found']),
      MethodNotAllowed: errorResponse('The path does not accept this method.', ['method_not_allowed'], { Allow: ref('headers', 'Allow') }),
      PayloadTooLarge: errorResponse('The body is over `BODY_LIMIT`.', ['payload_too_large']),
      ServiceUnavailable: errorResponse('Storage is unreachable, or the process is draining.', ['service_unavailable'], RETRY_AFTER),
      InternalError: errorResponse('Something unexpected; logged with the request id.', ['internal_error']),
    },
    schemas: {
      Error: {
        type: 'object', required: ['error', 'error_description'], additionalProperties: false,
        properties: { error: { enum: [...ERROR_CODES] }, error_description: { type: 'string', minLength: 1 } },
      },
      Jwt: JWT,
      Username: { type: 'string', minLength: 1, maxLength: 128, description: 'Code points; no control or format characters; compared case-insensitively.' },
      Password: { type: 'string', minLength: 1, maxLength: 1024, description: 'Code points.' },
      LoginRequest: { type: 'object', required: ['username', 'password'], properties: { username: schema('Username'), password: schema('Password') } },
      RefreshRequest: { type: 'object', properties: { refreshToken: schema('Jwt'), renew: { type: 'boolean', description: '`/auth/refresh` only: reissue the access token even when the one presented is still valid.' } }, description: 'The refresh token may instead come in `X-Refresh-Token` or the cookie.' },
      TokenResponse: {
        type: 'object', additionalProperties: false,
        required: ['tokenType', 'accessToken', 'expiresIn', 'refreshToken', 'refreshExpiresIn', 'reissued'],
        properties: {
          tokenType: { const: 'Bearer' },
          accessToken: schema('Jwt'),
          expiresIn: { type: 'integer', minimum: 1, description: 'Seconds.' },
          refreshToken: { ...schema('Jwt'), description: 'The refresh token to keep from now on (the same one when not reissued).' },
          refreshExpiresIn: { type: 'integer', minimum: 1, description: 'Seconds.' },
          reissued: { type: 'array', uniqueItems: true, maxItems: 2, items: { enum: ['access', 'refresh'] } },
        },
        examples: [{ tokenType: 'Bearer', accessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', expiresIn: 900, refreshToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzIn0.c2ln', refreshExpiresIn: 1209600, reissued: ['access', 'refresh'] }],
      },
      Me: {
        type: 'object', additionalProperties: false, required: ['sub', 'username', 'roles', 'sid', 'exp'],
        properties: { sub: { type: 'string' }, username: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, sid: { type: 'string' }, exp: { type: 'integer', description: 'Access token expiry, seconds since the epoch.' } },
      },
      VerifyIdentity: {
        type: 'object', additionalProperties: false, required: ['sub', 'username', 'roles', 'sid'],
        properties: { sub: { type: 'string' }, username: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, sid: { type: 'string' } },
      },
      Session: {
        type: 'object', additionalProperties: false, required: ['id', 'createdAt', 'lastUsedAt', 'expiresAt', 'userAgent', 'ip', 'current'],
        properties: { id: { type: 'string' }, createdAt: ISO_TIME, lastUsedAt: ISO_TIME, expiresAt: ISO_TIME, userAgent: { type: ['string', 'null'] }, ip: { type: ['string', 'null'] }, current: { type: 'boolean' } },
      },
      Health: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
      Ready: { type: 'object', required: ['status'], properties: { status: { const: 'ready' } } },
      Jwks: {
        type: 'object', required: ['keys'],
        properties: { keys: { type: 'array', minItems: 1, items: { type: 'object', required: ['kty', 'kid'], properties: { kty: { enum: ['RSA', 'EC'] }, kid: { type: 'string' }, alg: { enum: ['RS256', 'ES256'] }, use: { const: 'sig' } } } } },
      },
    },
  },
};
