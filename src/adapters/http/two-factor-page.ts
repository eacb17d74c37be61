import { qrCode } from '../system/qr-code';
import { authPageHtml, escapeHtml } from './login-page';

/** The enrolment form: the QR code as inline SVG (no script, no external image), the secret for manual entry, one code to confirm. */
export async function enrolmentPage(input: { action: string; rd: string; secret: string; uri: string; error?: string }): Promise<string> {
  const svg = await qrCode().toString(input.uri, { type: 'svg', margin: 2, width: 240 });
  const alert = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : '';
  return authPageHtml(
    'Set up two-factor sign-in',
    `${alert}<p>Scan this code with an authenticator app, then enter the six digits it shows.</p>
<figure role="img" aria-label="QR code of your authenticator secret">${svg}</figure>
<p>Or enter this secret by hand: <code id="totp-secret">${escapeHtml(input.secret)}</code></p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="rd" value="${escapeHtml(input.rd)}">
<input type="hidden" name="secret" value="${escapeHtml(input.secret)}">
<label for="code">Code</label>
<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" required maxlength="6" autofocus>
<button type="submit">Turn on</button>
</form>`,
  );
}

/** Shown once, right after enrolment. */
export function recoveryCodesPage(codes: readonly string[], continueTo: string): string {
  const items = codes.map((c) => `<li><code>${escapeHtml(c)}</code></li>`).join('');
  return authPageHtml(
    'Two-factor sign-in is on',
    `<p>Keep these recovery codes somewhere safe. Each works once, in place of a code, and they are not shown again.</p>
<ol id="recovery-codes">${items}</ol>
<p><a href="${escapeHtml(continueTo)}">Continue</a></p>`,
  );
}

/** An enrolled user: done when the session used the second factor, else a new sign-in with it. */
export function enrolledPage(withSecondFactor: boolean, continueTo: string, loginAgain: string): string {
  return withSecondFactor
    ? authPageHtml('Two-factor sign-in is on', `<p>Your session used your second factor.</p><p><a href="${escapeHtml(continueTo)}">Continue</a></p>`)
    : authPageHtml(
        'Sign in with your second factor',
        `<p>This page needs a sign-in with your authenticator code.</p><p><a id="sign-in-again" href="${escapeHtml(loginAgain)}">Sign in again</a></p>`,
      );
}
