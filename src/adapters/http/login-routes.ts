import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { DomainError, isDomainError } from '../../domain/errors';
import type { LoginInput } from '../../application/login';
import { authBodyParser, type BodyFields } from './body';
import type { TokenCookies } from './cookies';
import type { HttpDeps } from './deps';
import { sendLoginPage } from './login-page';
import { safeRedirect } from './redirect';
import { requestContext } from './request-context';
import { stringField } from './token-source';
import { sendGrant } from './token-responses';

const QUERY_CREDENTIALS = ['username', 'password', 'refreshToken', 'refresh_token', 'access_token', 'token'];

/** Credentials belong in the body, never in a URL that ends up in logs. */
export function rejectQueryCredentials(ctx: Context): void {
  if (QUERY_CREDENTIALS.some((k) => k in ctx.query)) {
    throw new DomainError('invalid_request', 'credentials are not accepted in the query string');
  }
}

function loginInput(body: BodyFields): LoginInput {
  const username = stringField(body, 'username');
  const password = stringField(body, 'password');
  if (username === null || password === null) {
    throw new DomainError('invalid_request', '"username" and "password" are required');
  }
  return { username, password };
}

/** A failed form login gets the form again with the error (401, or 400 for bad input). */
async function formErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (e) {
    if (!ctx.state.isForm || !isDomainError(e) || e.code === 'rate_limited' || e.code === 'service_unavailable') throw e;
    const body = (ctx.state.body ?? {}) as BodyFields;
    const username = typeof body.username === 'string' ? body.username : '';
    const status = e.code === 'invalid_credentials' ? 401 : 400;
    sendLoginPage(ctx, status, { action: ctx.path, rd: safeRedirect(body.rd), username, error: e.message });
  }
}

/** `GET` and `POST {prefix}/login`: the HTML form, and JSON or form logins. */
export function mountLoginRoutes(router: Router, deps: HttpDeps, cookies: TokenCookies): void {
  const loginPath = `${deps.settings.authPrefix}/login`;
  router.get('/login', (ctx) => {
    sendLoginPage(ctx, 200, { action: loginPath, rd: safeRedirect(ctx.query.rd) });
  });
  router.post('/login', authBodyParser(deps.settings.bodyLimit), formErrors, async (ctx) => {
    rejectQueryCredentials(ctx);
    const body = ctx.state.body as BodyFields;
    const grant = await deps.login.execute(loginInput(body), requestContext(ctx));
    sendGrant(ctx, grant, cookies, false);
    if (ctx.state.isForm && body.rd !== undefined) {
      ctx.status = 303;
      ctx.redirect(safeRedirect(body.rd));
    }
  });
}
