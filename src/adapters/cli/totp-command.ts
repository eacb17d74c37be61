import type { BeginTotpEnrolment } from '../../application/begin-totp-enrolment';
import type { ConfirmTotpEnrolment } from '../../application/confirm-totp-enrolment';
import type { DisableTotp } from '../../application/disable-totp';
import { qrCode } from '../system/qr-code';
import type { CliIo } from './cli-io';

/** The use-cases of `tokengate user totp`. */
export interface TotpCommandDeps {
  beginTotp: BeginTotpEnrolment;
  confirmTotp: ConfirmTotpEnrolment;
  disableTotp: DisableTotp;
}

export interface TotpCommandOptions {
  disable: boolean;
  /** For scripts: stdout gets the bare secret, then the URI, no QR code and no prose. */
  secretStdout: boolean;
}

/**
 * `tokengate user totp <name> [--disable] [--secret-stdout]` (SPEC §12): prints the
 * `otpauth://` URI and a terminal QR code, reads one code from stdin (terminal or pipe) to
 * confirm, then prints the ten recovery codes, once.
 */
export async function runTotpCommand(username: string, options: TotpCommandOptions, deps: TotpCommandDeps, io: CliIo): Promise<void> {
  if (options.disable) {
    const removed = await deps.disableTotp.execute(username);
    io.out(removed ? `second factor removed for ${username}` : `${username} had no second factor`);
    return;
  }
  const offer = await deps.beginTotp.execute(username, true);
  if (!offer) throw new Error('unreachable: the CLI replaces an enrolment');
  if (options.secretStdout) {
    io.out(offer.secret);
    io.out(offer.uri);
  } else {
    io.out(`Scan this with an authenticator app (or enter the secret ${offer.secret}):`);
    io.out(await qrCode().toString(offer.uri, { type: 'terminal', small: true }));
    io.out(offer.uri);
  }
  const code = await io.readLine('Code from the app: ');
  const { recoveryCodes } = await deps.confirmTotp.execute({ userId: offer.userId, secret: offer.secret, code });
  if (!options.secretStdout) io.out(`second factor enrolled for ${offer.username}; recovery codes (each works once, shown only now):`);
  for (const c of recoveryCodes) io.out(c);
}
