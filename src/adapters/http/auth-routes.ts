import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '../../domain/errors';
import { LOGOUT_SCOPES, type LogoutScope } from '../../application/logout';
import { authBodyParser, type BodyFields } from './body';
import { defaultClientScriptFile, mountClientScript } from './client-script';
import { assertSameOrigin } from './csrf';
import type { HttpDeps } from './deps';
import { prefersMinimal, verifyAnswer } from '../admission/answers';
import { mountLoginRoutes, refuseCrossSite, rejectQueryCredentials } from './login-routes';
import { mountOpenApi } from './openapi-route';
import { mountMfaRoutes } from './mfa-routes';
import { mountTwoFactorRoutes } from './two-factor-routes';
import { requestContext } from './request-context';
import { safeRedirect } from './redirect';
import { readTokens } from './token-source';
import { sendGrant } from './token-responses';
import { runGate } from './gate';

function logoutScope(ctx: Context): LogoutScope {
  const scope = ctx.query.scope ?? 'local';
  if (typeof scope !== 'string' || !(LOGOUT_SCOPES as readonly string[]).includes(scope)) {
    throw new DomainError('invalid_request', 'scope must be local, others or global');
  }
  return scope as LogoutScope;
}

/** `renew: true` asks `/auth/refresh` for a new access token even while the one presented is valid (the browser client's proactive refresh). */
function renewField(body: BodyFields): boolean {
  const renew = body.renew;
  if (renew === undefined || typeof renew === 'boolean') return renew === true;
  throw new DomainError('invalid_request', '"renew" must be true or false');
}

/** The endpoints under the auth prefix (SPEC §4). */
export function authRouter(deps: HttpDeps): Router {
  const { settings } = deps;
  const { cookies } = deps;
  const router = new Router({ prefix: settings.authPrefix });
  const body = authBodyParser(settings.bodyLimit);

  const authenticate = (ctx: Context) => runGate(ctx, deps.admission, cookies);

  mountLoginRoutes(router, deps, cookies);
  mountMfaRoutes(router, deps, cookies);
  mountTwoFactorRoutes(router, deps, cookies);
  mountOpenApi(router, settings.authPrefix);
  mountClientScript(router, settings.clientScriptFile ?? defaultClientScriptFile());

  router.post('/refresh', body, async (ctx) => {
    rejectQueryCredentials(ctx);
    const tokens = readTokens(ctx, cookies, ctx.state.body as BodyFields);
    if (tokens.viaCookie) assertSameOrigin(ctx, settings.corsOrigins);
    const grant = await deps.refresh.execute(tokens, requestContext(ctx), { renew: renewField(ctx.state.body as BodyFields) });
    sendGrant(ctx, grant, cookies, tokens.viaHeader);
  });

  router.post('/logout', refuseCrossSite(settings.corsOrigins), body, async (ctx) => {
    rejectQueryCredentials(ctx);
    const scope = logoutScope(ctx);
    const tokens = readTokens(ctx, cookies, ctx.state.body as BodyFields);
    await deps.logout.execute(tokens, scope, requestContext(ctx));
    if (scope !== 'others') cookies.clear(ctx);
    const body = ctx.state.body as BodyFields;
    if (ctx.state.isForm && body.rd !== undefined) {
      ctx.status = 303;
      ctx.redirect(safeRedirect(body.rd));
      return;
    }
    ctx.status = 204;
  });

  router.get('/me', async (ctx) => {
    const identity = await authenticate(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { sub: identity.sub, username: identity.username, roles: identity.roles, sid: identity.sid, exp: identity.exp };
  });

  router.get('/sessions', async (ctx) => {
    const identity = await authenticate(ctx);
    const sessions = await deps.listSessions.execute(identity.sub, identity.sid);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = sessions.map((s) => ({
      id: s.id,
      createdAt: new Date(s.createdAt).toISOString(),
      lastUsedAt: new Date(s.lastUsedAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      userAgent: s.userAgent,
      ip: s.ip,
      current: s.current,
    }));
  });

  // Cross-origin and preflight verifies only: the rest is answered by the forward-auth writer (verify-endpoint.ts).
  router.all('/verify', async (ctx) => {
    const answer = verifyAnswer(await runGate(ctx, deps.admission, cookies, 'forward-auth'), prefersMinimal(ctx.req));
    for (const [name, value] of answer.headers) ctx.set(name, value);
    ctx.status = 200;
    ctx.body = answer.body;
    if (answer.body === '') ctx.remove('Content-Type'); // a minimal answer has no content to type
  });

  return router;
}
