import { createHash } from 'node:crypto';
import type { Context } from 'koa';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;background:#f3f4f6;color:#111827;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;padding:2rem;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.08);width:min(22rem,90vw)}
h1{font-size:1.4rem;margin:0 0 1.25rem}label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{box-sizing:border-box;width:100%;padding:.55rem .7rem;border:1px solid #9ca3af;border-radius:8px;font:inherit}
input:focus{outline:3px solid #2563eb55;border-color:#2563eb}
button{margin-top:1.25rem;width:100%;padding:.65rem;border:0;border-radius:8px;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.error{background:#fee2e2;color:#991b1b;padding:.6rem .8rem;border-radius:8px;margin-bottom:.5rem}`;

/** The page's one inline stylesheet, allowed by its hash rather than by 'unsafe-inline'. */
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** Nothing but that stylesheet may load; no script at all, no plugins, no framing. */
const LOGIN_PAGE_CSP = `default-src 'none'; style-src ${STYLE_HASH}; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export interface LoginPageInput {
  action: string;
  rd: string;
  username?: string;
  error?: string;
}

/** An error line for a form, and the attribute that ties the form to it ('' and '' without one). */
function errorAlert(error: string | undefined): { alert: string; described: string } {
  if (!error) return { alert: '', described: '' };
  return { alert: `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>`, described: ' aria-describedby="login-error"' };
}

/** The login form: one small accessible page, no external assets. */
export function renderLoginPage({ action, rd, username = '', error }: LoginPageInput): string {
  const { alert, described } = errorAlert(error);
  return authPageHtml('Sign in', `${alert}
<form method="post" action="${escapeHtml(action)}"${described}>
<input type="hidden" name="rd" value="${escapeHtml(rd)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required maxlength="128" value="${escapeHtml(username)}"${username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>`, 'Sign in to tokengate');
}

/** One of tokengate's own pages around `inner` (already escaped HTML), with the login page's style; `heading` defaults to the title. */
export function authPageHtml(title: string, inner: string, heading: string = title): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · tokengate</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(heading)}</h1>${inner}</main></body></html>`;
}

/** The second step of a form login (SPEC §12): the mfaToken and `rd` ride along in hidden fields. */
export function renderCodePage({ action, rd, mfaToken, error }: { action: string; rd: string; mfaToken: string; error?: string }): string {
  const { alert, described } = errorAlert(error);
  return authPageHtml('Verification code', `${alert}
<form method="post" action="${escapeHtml(action)}"${described}>
<input type="hidden" name="rd" value="${escapeHtml(rd)}">
<input type="hidden" name="mfaToken" value="${escapeHtml(mfaToken)}">
<label for="code">Code from your authenticator app, or a recovery code</label>
<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required maxlength="32" autofocus>
<button type="submit">Verify</button>
</form>`, 'Enter your verification code');
}

/** Sends the page with the headers a login page needs. */
export function sendLoginPage(ctx: Context, status: number, input: LoginPageInput): void {
  sendAuthPage(ctx, status, renderLoginPage(input));
}

/** Sends one of tokengate's own HTML pages (the login form, its second step). */
export function sendAuthPage(ctx: Context, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
  // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` with the form's
  // POST, which the login CSRF check must refuse; other origins still get no referrer.
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Content-Security-Policy', LOGIN_PAGE_CSP);
  ctx.body = html;
}
