import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Identity } from '../../application/authenticate-request';
import { DomainError, isDomainError } from '../../domain/errors';
import { hasSecondFactor } from '../../domain/second-factor';
import { reissueHeaders } from '../admission/reissue-headers';
import { authBodyParser, type BodyFields } from './body';
import type { TokenCookies } from './cookies';
import type { HttpDeps } from './deps';
import { sendAuthPage } from './login-page';
import { refuseCrossSite } from './login-routes';
import { safeRedirect } from './redirect';
import { runGate } from './gate';
import { stringField } from './token-source';
import { setHeaders } from './token-responses';
import { enrolledPage, enrolmentPage, recoveryCodesPage } from './two-factor-page';

/** The logged-in caller, or null after sending an unauthenticated browser to the login page (and back here). */
async function callerOrLogin(ctx: Context, deps: HttpDeps, cookies: TokenCookies): Promise<Identity | null> {
  const verdict = await deps.admission.verify(deps.admission.read(ctx.req, String(ctx.state.requestId)));
  setHeaders(ctx, reissueHeaders(verdict.reissue, cookies));
  if (verdict.kind === 'pass') return verdict.identity;
  const code = verdict.error.code;
  if (code === 'forbidden' || code === 'service_unavailable' || code === 'internal_error') throw verdict.error;
  ctx.redirect(`${deps.settings.authPrefix}/login?rd=${encodeURIComponent(ctx.originalUrl)}`);
  return null;
}

/**
 * `GET` and `POST <prefix>/2fa` (SPEC §12): a logged-in user enrols an authenticator; an
 * enrolled user whose session lacks the second factor is asked to sign in again with it.
 */
export function mountTwoFactorRoutes(router: Router, deps: HttpDeps, cookies: TokenCookies): void {
  const prefix = deps.settings.authPrefix;
  const action = `${prefix}/2fa`;
  const loginAgain = (rd: string) => `${prefix}/login?rd=${encodeURIComponent(rd)}`;

  router.get('/2fa', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const identity = await callerOrLogin(ctx, deps, cookies);
    if (!identity) return;
    const rd = safeRedirect(ctx.query.rd);
    const offer = await deps.beginTotp.execute(identity.username, false);
    if (!offer) return sendAuthPage(ctx, 200, enrolledPage(hasSecondFactor(identity.amr), rd, loginAgain(rd)));
    sendAuthPage(ctx, 200, await enrolmentPage({ action, rd, secret: offer.secret, uri: offer.uri }));
  });

  /** A wrong code on the form asks again with the same secret; everything else goes to the error middleware. */
  const wrongCodeAgain = async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (e) {
      const body = (ctx.state.body ?? {}) as BodyFields;
      if (!ctx.state.isForm || !isDomainError(e) || e.code !== 'invalid_credentials' || typeof body.secret !== 'string') throw e;
      const input = { action, rd: safeRedirect(body.rd), secret: body.secret, uri: deps.totpUri(body.secret, String(ctx.state.username ?? '')) };
      sendAuthPage(ctx, 400, await enrolmentPage({ ...input, error: 'That code did not match. Please try again.' }));
    }
  };

  router.post('/2fa', refuseCrossSite(deps.settings.corsOrigins), wrongCodeAgain, authBodyParser(deps.settings.bodyLimit), async (ctx) => {
    const identity = await runGate(ctx, deps.admission, cookies);
    ctx.state.username = identity.username;
    const body = ctx.state.body as BodyFields;
    const secret = stringField(body, 'secret');
    const code = stringField(body, 'code');
    if (secret === null || code === null || !/^[A-Z2-7]{16,64}$/.test(secret)) {
      throw new DomainError('invalid_request', '"secret" (base32) and "code" are required');
    }
    const { recoveryCodes } = await deps.confirmTotp.execute({ userId: identity.sub, secret, code, replace: false });
    ctx.set('Cache-Control', 'no-store');
    if (ctx.state.isForm) return sendAuthPage(ctx, 200, recoveryCodesPage(recoveryCodes, loginAgain(safeRedirect(body.rd))));
    ctx.body = { recoveryCodes };
  });
}
