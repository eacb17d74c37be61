import type * as Otpauth from 'otpauth';
import type { TOTP } from 'otpauth';
import type { Totp } from '../../domain/ports/totp';

let loaded: typeof Otpauth | undefined;

/**
 * The `otpauth` library, required on first use: only accounts with a second factor need it,
 * and every other process would load it for nothing (docs/performance.md, "Start time").
 */
function otpauth(): typeof Otpauth {
  loaded ??= require('otpauth') as typeof Otpauth;
  return loaded;
}

export interface OtpauthTotpOptions {
  /** The `issuer` shown by authenticator apps. */
  issuer: string;
}

const PERIOD = 30;
const CODE = /^\d{6}$/;

/** {@link Totp} on the `otpauth` library: SHA-1, 6 digits, 30 s, a window of one step. */
export class OtpauthTotp implements Totp {
  constructor(private readonly options: OtpauthTotpOptions) {}

  newSecret(): string {
    return new (otpauth().Secret)({ size: 20 }).base32;
  }

  uri(secret: string, account: string): string {
    return this.totp(secret, account).toString();
  }

  matchStep(secret: string, code: string, now: number): number | null {
    if (!CODE.test(code)) return null;
    const delta = this.totp(secret).validate({ token: code, timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
  }

  private totp(secret: string, label = 'user'): TOTP {
    const { Secret, TOTP } = otpauth();
    return new TOTP({ issuer: this.options.issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
  }
}
