import { CLIENT_SCRIPT_PATHS } from './openapi-client';

/** The second factor's parts of the OpenAPI document (SPEC §12); openapi.ts is at its size limit. */

const REQUEST_ID = { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' } };
const WWW_AUTH = { 'WWW-Authenticate': { $ref: '#/components/headers/WWWAuthenticate' } };
const NO_STORE = { 'Cache-Control': { $ref: '#/components/headers/CacheControlNoStore' } };
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
const COMMON = { '500': ref('InternalError'), '503': ref('ServiceUnavailable') };
const html = (description: string, status = 'text/html') => ({ description, headers: { ...REQUEST_ID, ...NO_STORE }, content: { [status]: { schema: { type: 'string' } } } });
const errorOf = (codes: string[]) => ({ $ref: '#/components/schemas/Error', type: 'object', properties: { error: { enum: codes } } });

/** The login's 401 body: the `Error` shape, plus the mfaToken when the code is `mfa_required`. */
const LOGIN_401 = {
  type: 'object',
  required: ['error', 'error_description'],
  additionalProperties: false,
  properties: {
    error: { enum: ['invalid_credentials', 'mfa_required'] },
    error_description: { type: 'string', minLength: 1 },
    mfaToken: { type: 'string', description: 'With `mfa_required`: a JWT with `typ: mfa+jwt`, single use, 5 minutes; no access or refresh check accepts it.' },
    expiresIn: { type: 'integer', const: 300 },
  },
  if: { properties: { error: { const: 'mfa_required' } } },
  then: { required: ['mfaToken', 'expiresIn'], properties: { mfaToken: true, expiresIn: true } },
};

/** `POST /auth/login` 401: a wrong password (one answer whatever the user), or the right one of a user with a second factor. */
export const MFA_LOGIN_401 = {
  description: 'Unknown user, wrong password or disabled user: one answer for all three (`invalid_credentials`). A right password of a user with a second factor: `mfa_required` with an `mfaToken` for `POST /auth/login/2fa`; a form post gets the code step (HTML) instead.',
  headers: { ...REQUEST_ID, ...WWW_AUTH },
  content: { 'application/json': { schema: LOGIN_401 }, 'text/html': { schema: { type: 'string' } } },
};

const MFA_PATHS = {
  '/auth/login/2fa': {
    post: {
      tags: ['auth'], operationId: 'loginSecondFactor', summary: 'Second step of a login: the mfaToken and a TOTP or recovery code',
      description: 'RFC 6238 (SHA-1, 6 digits, 30 s, one step of drift); a code and a recovery code work once. A wrong code may be retried with the same mfaToken until it expires; each try counts toward `LOGIN_RATE_LIMIT`. The first success spends the mfaToken.',
      requestBody: {
        required: true,
        content: Object.fromEntries(['application/json', 'application/x-www-form-urlencoded'].map((t) => [t, { schema: { type: 'object', required: ['mfaToken', 'code'], properties: { mfaToken: { type: 'string' }, code: { type: 'string', maxLength: 64, description: 'Six digits, or a recovery code.' }, rd: { type: 'string', description: 'Form posts: where to go after (303).' } } } }])),
      },
      responses: {
        '200': { description: 'Logged in with `amr: ["pwd","otp"]`: as `POST /auth/login`.', headers: { ...REQUEST_ID, ...NO_STORE }, content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenResponse' } } } },
        '303': { description: 'A form post with `rd`: logged in, cookies set, sent to `rd`.', headers: { ...REQUEST_ID, Location: { schema: { type: 'string' } } } },
        '400': ref('BadRequest'),
        '401': { description: '`invalid_credentials`: wrong or already used code (a form gets the code step again); `invalid_token`: the mfaToken is invalid, expired or spent.', headers: { ...REQUEST_ID, ...WWW_AUTH }, content: { 'application/json': { schema: errorOf(['invalid_credentials', 'invalid_token']) }, 'text/html': { schema: { type: 'string' } } } },
        '403': ref('Forbidden'),
        '413': ref('PayloadTooLarge'),
        '429': { description: 'Too many failed logins or codes.', headers: { ...REQUEST_ID, 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }, content: { 'application/json': { schema: errorOf(['rate_limited']) } } },
        ...COMMON,
      },
    },
  },
  '/auth/2fa': {
    get: {
      tags: ['auth'], operationId: 'secondFactorPage', summary: 'Self-service: set up an authenticator (HTML, inline SVG QR code)',
      description: 'A logged-in user without a second factor gets the enrolment form; an enrolled user whose session lacks it is asked to sign in again. Without a session, a redirect to the login page and back.',
      parameters: [{ name: 'rd', in: 'query', required: false, description: 'Where to continue afterwards.', schema: { type: 'string' } }],
      responses: { '200': html('The page.'), '302': { description: 'No session: to `/auth/login?rd=…`.', headers: REQUEST_ID }, '403': ref('Forbidden'), ...COMMON },
    },
    post: {
      tags: ['auth'], operationId: 'secondFactorEnrol', summary: 'Self-service: confirm an authenticator with one code',
      requestBody: {
        required: true,
        content: Object.fromEntries(['application/json', 'application/x-www-form-urlencoded'].map((t) => [t, { schema: { type: 'object', required: ['secret', 'code'], properties: { secret: { type: 'string', pattern: '^[A-Z2-7]{16,64}$' }, code: { type: 'string' }, rd: { type: 'string' } } } }])),
      },
      responses: {
        '200': { description: 'Enrolled: the ten recovery codes, shown this once (JSON, or an HTML page for a form).', headers: { ...REQUEST_ID, ...NO_STORE }, content: { 'application/json': { schema: { type: 'object', required: ['recoveryCodes'], properties: { recoveryCodes: { type: 'array', minItems: 10, maxItems: 10, items: { type: 'string' } } } } }, 'text/html': { schema: { type: 'string' } } } },
        '400': { description: '`invalid_request`: malformed, or a second factor is already enrolled; a form with a wrong code gets the page again.', headers: REQUEST_ID, content: { 'application/json': { schema: errorOf(['invalid_request']) }, 'text/html': { schema: { type: 'string' } } } },
        '401': { description: 'No session, or a wrong code (`invalid_credentials`, JSON).', headers: { ...REQUEST_ID, ...WWW_AUTH }, content: { 'application/json': { schema: errorOf(['invalid_token', 'login_required', 'token_revoked', 'token_reused', 'invalid_credentials']) } } },
        '403': ref('Forbidden'),
        '413': ref('PayloadTooLarge'),
        ...COMMON,
      },
    },
  },
};

/** Paths kept outside openapi.ts: the browser client's script, then the second factor's. */
export const EXTRA_PATHS = { ...CLIENT_SCRIPT_PATHS, ...MFA_PATHS };
