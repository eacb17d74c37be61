import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtAlgorithm } from '../../config';
import type { Clock } from '../../domain/ports/clock';
import type { TokenSigner } from '../../domain/ports/token-signer';
import { hasTokenShape, type AccessClaims, type RefreshClaims, type TokenCheck } from '../../domain/token';
import { publicJwk, jwkThumbprint } from './jwk';
import { accessPayload, InvalidToken, refreshPayload, toAccessClaims, toRefreshClaims, type Payload } from './jwt-claims';
import { checkHeader } from './jwt-header';
import { MIN_SECRET_BYTES } from './jwt-secret-file';

export interface JwtTokenSignerOptions {
  algorithm: JwtAlgorithm;
  /** HS256 key, at least 32 bytes. */
  secret?: Buffer | null;
  /** RS256/ES256 keys, PEM; the public key defaults to the private key's public half. */
  privateKeyPem?: string | null;
  publicKeyPem?: string | null;
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
  clock: Clock;
}

const ACCESS_TYP = 'at+jwt';
const REFRESH_TYP = 'rt+jwt';

/** HS256/RS256/ES256 tokens on jsonwebtoken; keys are turned into KeyObjects once, here. */
export class JwtTokenSigner implements TokenSigner {
  private readonly signKey: KeyObject;
  private readonly verifyKey: KeyObject;
  private readonly kid: string | null;
  private readonly jwk: Record<string, string> | null;

  constructor(private readonly options: JwtTokenSignerOptions) {
    if (options.algorithm === 'HS256') {
      if (!options.secret || options.secret.length < MIN_SECRET_BYTES) {
        throw new Error(`HS256 needs a secret of at least ${MIN_SECRET_BYTES} bytes`);
      }
      this.signKey = this.verifyKey = createSecretKey(options.secret);
      this.kid = this.jwk = null;
    } else {
      if (!options.privateKeyPem) throw new Error(`${options.algorithm} needs a private key`);
      this.signKey = createPrivateKey(options.privateKeyPem);
      this.verifyKey = createPublicKey(options.publicKeyPem ?? this.signKey);
      const jwk = publicJwk(this.verifyKey);
      this.kid = jwkThumbprint(jwk);
      this.jwk = { ...jwk, kid: this.kid, alg: options.algorithm, use: 'sig' };
    }
  }

  signAccess(claims: AccessClaims): string {
    return this.sign(accessPayload(claims, this.options.issuer, this.options.audience), ACCESS_TYP);
  }

  signRefresh(claims: RefreshClaims): string {
    return this.sign(refreshPayload(claims, this.options.issuer, this.options.audience), REFRESH_TYP);
  }

  verifyAccess(token: string): TokenCheck<AccessClaims> {
    return this.verify(token, ACCESS_TYP, toAccessClaims);
  }

  verifyRefresh(token: string): TokenCheck<RefreshClaims> {
    return this.verify(token, REFRESH_TYP, toRefreshClaims);
  }

  /** The public key set for `/.well-known/jwks.json`; null for HS256 (nothing to publish). */
  jwks(): { keys: object[] } | null {
    return this.jwk ? { keys: [{ ...this.jwk }] } : null;
  }

  /**
   * No `noTimestamp`: jsonwebtoken would delete our `iat`; without it, it keeps a non-zero
   * `iat` from the payload. Nothing else varies, so equal claims give byte-identical HS/RS tokens.
   */
  private sign(payload: Payload, typ: string): string {
    if (!((payload.iat as number) > 0)) throw new Error('iat must be a positive number of seconds');
    const header = this.kid ? { alg: this.options.algorithm, typ, kid: this.kid } : { alg: this.options.algorithm, typ };
    return jwt.sign(payload, this.signKey, { algorithm: this.options.algorithm, header });
  }

  private verify<C extends { iat: number; exp: number }>(token: string, typ: string, toClaims: (p: Payload) => C): TokenCheck<C> {
    try {
      if (typeof token !== 'string' || !hasTokenShape(token)) throw new InvalidToken('malformed token');
      const { algorithm, issuer, audience, clockSkewSeconds: skew } = this.options;
      checkHeader(token, { alg: algorithm, typ, kid: this.kid });
      const now = Math.floor(this.options.clock.now() / 1000);
      // Expiry is judged below, so that only an otherwise valid token can be `expired`.
      const payload = jwt.verify(token, this.verifyKey, {
        algorithms: [algorithm],
        issuer,
        audience,
        clockTolerance: skew,
        clockTimestamp: now,
        ignoreExpiration: true,
      });
      if (typeof payload !== 'object' || payload === null) throw new InvalidToken('payload is not an object');
      const claims = toClaims(payload as Payload);
      if (claims.iat > now + skew) throw new InvalidToken('issued in the future');
      return { state: now >= claims.exp + skew ? 'expired' : 'valid', claims };
    } catch (e) {
      return { state: 'invalid', reason: e instanceof Error ? e.message : 'unverifiable token' };
    }
  }
}
