import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { DomainError, isDomainError } from '../../domain/errors';
import type { MfaChallenge } from '../../application/mfa-challenges';
import type { MfaLoginInput } from '../../application/complete-mfa-login';
import { authBodyParser, type BodyFields } from './body';
import type { TokenCookies } from './cookies';
import type { HttpDeps } from './deps';
import { errorAnswer } from './error-middleware';
import { renderCodePage, sendAuthPage, sendLoginPage } from './login-page';
import { refuseCrossSite, rejectQueryCredentials } from './login-routes';
import { safeRedirect } from './redirect';
import { requestContext } from './request-context';
import { stringField } from './token-source';
import { sendGrant } from './token-responses';

const MFA_REQUIRED = 'a second factor is required: POST the mfaToken and a code to the login/2fa endpoint';

/** A right password of an enrolled user: 401 `mfa_required` with the mfaToken, or the form's code step. */
export function sendMfaChallenge(ctx: Context, challenge: MfaChallenge, rd: unknown, action: string): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('WWW-Authenticate', 'Bearer error="mfa_required"');
  if (ctx.state.isForm) {
    sendAuthPage(ctx, 401, renderCodePage({ action, rd: safeRedirect(rd), mfaToken: challenge.mfaToken }));
    return;
  }
  ctx.status = 401;
  ctx.body = { error: 'mfa_required', error_description: MFA_REQUIRED, mfaToken: challenge.mfaToken, expiresIn: challenge.expiresIn };
}

function mfaInput(body: BodyFields): MfaLoginInput {
  const mfaToken = stringField(body, 'mfaToken');
  const code = stringField(body, 'code');
  if (mfaToken === null || code === null || code.length > 64) {
    throw new DomainError('invalid_request', '"mfaToken" and "code" are required');
  }
  return { mfaToken, code };
}

/** What the code page says when the same mfaToken may be used again. */
const ASK_AGAIN: Partial<Record<string, string>> = {
  invalid_credentials: 'Invalid code. Please try again.',
  // A missing or oversized code (the form's own limits keep browsers from sending one): the mfaToken is still good.
  invalid_request: 'Enter the six-digit code from your app, or a recovery code.',
};

/**
 * A failed form step: a wrong or malformed code asks again with the same mfaToken; a dead
 * mfaToken starts over. Status and headers (`WWW-Authenticate` on a 401, `Retry-After`) are
 * the JSON answer's ({@link errorAnswer}).
 */
function formErrors(loginPath: string, action: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (e) {
      if (!ctx.state.isForm || !isDomainError(e)) throw e;
      const body = (ctx.state.body ?? {}) as BodyFields;
      const rd = safeRedirect(body.rd);
      const { status, headers } = errorAnswer(e);
      const again = ASK_AGAIN[e.code];
      if (again && typeof body.mfaToken === 'string' && body.mfaToken !== '') {
        sendAuthPage(ctx, status, renderCodePage({ action, rd, mfaToken: body.mfaToken, error: again }));
      } else {
        const error = e.code === 'rate_limited' ? 'Too many failed attempts. Please wait a while and try again.' : 'Your sign-in expired. Please sign in again.';
        sendLoginPage(ctx, status, { action: loginPath, rd, error });
      }
      ctx.set(headers);
    }
  };
}

/** `POST {prefix}/login/2fa {mfaToken, code}`: the second step of a login (SPEC §12), JSON or form. */
export function mountMfaRoutes(router: Router, deps: HttpDeps, cookies: TokenCookies): void {
  const loginPath = `${deps.settings.authPrefix}/login`;
  const action = `${loginPath}/2fa`;
  router.post('/login/2fa', refuseCrossSite(deps.settings.corsOrigins), formErrors(loginPath, action), authBodyParser(deps.settings.bodyLimit), async (ctx) => {
    rejectQueryCredentials(ctx);
    const body = ctx.state.body as BodyFields;
    const grant = await deps.completeMfaLogin.execute(mfaInput(body), requestContext(ctx));
    sendGrant(ctx, grant, cookies, false);
    if (ctx.state.isForm && body.rd !== undefined) {
      ctx.status = 303;
      ctx.redirect(safeRedirect(body.rd));
    }
  });
}
