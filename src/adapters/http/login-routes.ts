import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { DomainError, isDomainError, type ErrorCode } from '../../domain/errors';
import { errorAnswer } from './error-middleware';
import type { LoginInput } from '../../application/login';
import { authBodyParser, type BodyFields } from './body';
import { assertSameOrigin } from './csrf';
import type { TokenCookies } from './cookies';
import type { HttpDeps } from './deps';
import { sendLoginPage } from './login-page';
import { safeRedirect } from './redirect';
import { clientGoneSignal, requestContext } from './request-context';
import { stringField } from './token-source';
import { sendGrant } from './token-responses';
import { sendMfaChallenge } from './mfa-routes';

const QUERY_CREDENTIALS = ['username', 'password', 'mfaToken', 'refreshToken', 'refresh_token', 'access_token', 'token'];

/** Whether the URL carries a credential field (SPEC §4: 400 `invalid_request`). */
const hasQueryCredentials = (ctx: Context): boolean => QUERY_CREDENTIALS.some((k) => k in ctx.query);

/** Credentials belong in the body, never in a URL that ends up in logs. */
export function rejectQueryCredentials(ctx: Context): void {
  if (hasQueryCredentials(ctx)) throw new DomainError('invalid_request', 'credentials are not accepted in the query string');
}

/**
 * The CSRF rule on every call, cookies or not (SPEC §4 `forbidden`): a cross-site login would
 * sign the victim in as the attacker, a cross-site logout would end the victim's session.
 * Runs before the body is read.
 */
export function refuseCrossSite(allowedOrigins: readonly string[]): Middleware {
  return (ctx, next) => {
    assertSameOrigin(ctx, allowedOrigins);
    return next();
  };
}

function loginInput(body: BodyFields): LoginInput {
  const username = stringField(body, 'username');
  const password = stringField(body, 'password');
  if (username === null || password === null) {
    throw new DomainError('invalid_request', '"username" and "password" are required');
  }
  return { username, password };
}

const FORM_MESSAGES: Partial<Record<ErrorCode, string>> = {
  invalid_credentials: 'Invalid username or password.',
  rate_limited: 'Too many failed attempts. Please wait a while and try again.',
  service_unavailable: 'Sign-in is unavailable right now. Please try again shortly.',
};

/** A failed form login gets the form again with the error, under the error's own status and headers. */
async function formErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (e) {
    if (!ctx.state.isForm || !isDomainError(e)) throw e;
    const body = (ctx.state.body ?? {}) as BodyFields;
    const username = typeof body.username === 'string' ? body.username : '';
    const { status, headers } = errorAnswer(e);
    const message = FORM_MESSAGES[e.code] ?? `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.`;
    sendLoginPage(ctx, status, { action: ctx.path, rd: safeRedirect(body.rd), username, error: message });
    ctx.set(headers);
  }
}

/** `GET` and `POST {prefix}/login`: the HTML form, and JSON or form logins. */
export function mountLoginRoutes(router: Router, deps: HttpDeps, cookies: TokenCookies): void {
  const loginPath = `${deps.settings.authPrefix}/login`;
  router.get('/login', (ctx) => {
    const rd = safeRedirect(ctx.query.rd);
    if (hasQueryCredentials(ctx)) {
      // A browser gets the form again, empty, with the error: nothing from the URL is echoed (SPEC §4).
      if (!ctx.accepts('html')) rejectQueryCredentials(ctx);
      return sendLoginPage(ctx, 400, { action: loginPath, rd, error: 'Credentials are not accepted in the query string: use the form.' });
    }
    sendLoginPage(ctx, 200, { action: loginPath, rd });
  });
  router.post('/login', refuseCrossSite(deps.settings.corsOrigins), formErrors, authBodyParser(deps.settings.bodyLimit), async (ctx) => {
    rejectQueryCredentials(ctx);
    const body = ctx.state.body as BodyFields;
    const grant = await deps.login.execute(loginInput(body), { ...requestContext(ctx), signal: clientGoneSignal(ctx) });
    if ('mfaRequired' in grant) return sendMfaChallenge(ctx, grant, body.rd, `${loginPath}/2fa`);
    sendGrant(ctx, grant, cookies, false);
    if (ctx.state.isForm && body.rd !== undefined) {
      ctx.status = 303;
      ctx.redirect(safeRedirect(body.rd));
    }
  });
}
