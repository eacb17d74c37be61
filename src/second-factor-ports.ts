import { join } from 'node:path';
import type { Container } from 'inversify';
import type { Config } from './config';
import type { Clock } from './domain/ports/clock';
import type { SecondFactorRepository } from './domain/ports/second-factor-repository';
import { AesGcmSecretBox } from './adapters/security/aes-gcm-secret-box';
import { FileTotpKeys, TOTP_KEY_FILE_NAME } from './adapters/security/file-totp-keys';
import { JwtTokenSigner } from './adapters/security/jwt-token-signer';
import { OtpauthTotp } from './adapters/security/otpauth-totp';
import { Sha256RecoveryCodes } from './adapters/security/sha256-recovery-codes';
import { TYPES } from './service-ids';

const MISSING_KEY = 'TOTP_ENCRYPTION_KEY is required in production to enrol or check a second factor (openssl rand -base64 32)';

/**
 * The box sealing TOTP secrets (SPEC §12): `TOTP_ENCRYPTION_KEY` alone when set; in production
 * nothing else (the clear error until one is set); outside production a generated key kept in
 * `<dataDir>/totp-key`, independent of the signing secret so that `keys rotate` or a new
 * `JWT_SECRET` locks nobody out, also opening what earlier versions sealed under keys derived
 * from the current and previous signing secrets.
 */
export function totpSecretBox(config: Config): AesGcmSecretBox {
  if (config.totpEncryptionKey || config.production) return new AesGcmSecretBox({ key: config.totpEncryptionKey, missingKeyMessage: MISSING_KEY });
  const { secret, previousSecrets, privateKeyPem } = config.jwt;
  const signingMaterials = [secret, ...previousSecrets, privateKeyPem].filter((m): m is Buffer | string => m !== null);
  const file = join(config.dataDir, TOTP_KEY_FILE_NAME);
  return new AesGcmSecretBox({
    keys: new FileTotpKeys({ dataDir: config.dataDir, signingMaterials }),
    missingKeyMessage: MISSING_KEY,
    wrongKeyMessage: `TOTP_ENCRYPTION_KEY is not set, and neither "${file}" nor the keys derived from the signing secrets decrypt the stored TOTP secrets (set TOTP_ENCRYPTION_KEY to the key that sealed them, or re-enrol: tokengate user totp <name> --disable)`,
  });
}

/** Binds the second factor's ports (SPEC §12); `secondFactors` comes from storage. */
export function bindSecondFactorPorts(c: Container, config: Config, secondFactors: SecondFactorRepository): void {
  const T = TYPES;
  c.bind(T.SecondFactors).toConstantValue(secondFactors);
  c.bind(T.Totp).toResolvedValue(() => new OtpauthTotp({ issuer: 'tokengate' }));
  c.bind(T.SecretBox).toResolvedValue(() => totpSecretBox(config));
  c.bind(T.RecoveryCodes).toResolvedValue(() => new Sha256RecoveryCodes());
  // Its own signer, not the caching one: mfaTokens are rare and never cached.
  c.bind(T.MfaSigner).toResolvedValue((clock: Clock) => new JwtTokenSigner({ ...config.jwt, clockSkewSeconds: config.clockSkew, clock }), [T.Clock]);
}

/**
 * At start: once anyone has enrolled, the key must open their secrets. A missing or wrong key
 * is one clear line, never a silent lockout at the next login.
 */
export async function checkTotpKey(c: Container): Promise<void> {
  const sample = await c.get(TYPES.SecondFactors).any();
  if (sample) c.get(TYPES.SecretBox).open(sample.sealedSecret);
}
