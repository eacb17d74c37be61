import { createHash } from 'node:crypto';
import type { Container } from 'inversify';
import type { Config } from './config';
import type { Clock } from './domain/ports/clock';
import type { SecondFactorRepository } from './domain/ports/second-factor-repository';
import { AesGcmSecretBox } from './adapters/security/aes-gcm-secret-box';
import { JwtTokenSigner } from './adapters/security/jwt-token-signer';
import { OtpauthTotp } from './adapters/security/otpauth-totp';
import { Sha256RecoveryCodes } from './adapters/security/sha256-recovery-codes';
import { TYPES } from './service-ids';

/**
 * `TOTP_ENCRYPTION_KEY`, else (outside production only) a key derived from the signing secret,
 * so development enrolments survive restarts; in production there is none until one is set.
 */
export function totpKey(config: Config): Buffer | null {
  if (config.totpEncryptionKey) return config.totpEncryptionKey;
  const material = config.jwt.secret ?? config.jwt.privateKeyPem;
  if (config.production || !material) return null;
  return createHash('sha256').update('tokengate totp key\0').update(material).digest();
}

/** Binds the second factor's ports (SPEC §12); `secondFactors` comes from storage. */
export function bindSecondFactorPorts(c: Container, config: Config, secondFactors: SecondFactorRepository): void {
  const T = TYPES;
  c.bind(T.SecondFactors).toConstantValue(secondFactors);
  c.bind(T.Totp).toResolvedValue(() => new OtpauthTotp({ issuer: 'tokengate' }));
  c.bind(T.SecretBox).toResolvedValue(
    () =>
      new AesGcmSecretBox({
        key: totpKey(config),
        missingKeyMessage: 'TOTP_ENCRYPTION_KEY is required in production to enrol or check a second factor (openssl rand -base64 32)',
      }),
  );
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
