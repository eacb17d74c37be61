import { Secret, TOTP } from 'otpauth';
import type { Response } from 'supertest';
import { TYPES } from '../../src/container';
import type { Gateway, TestUser } from './e2e-harness';

/** The code an authenticator holding `secret` shows at `ms`, `steps` steps of drift away. */
export function codeAt(secret: string, ms: number, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms + steps * 30_000 });
}

/** Enrols `user` through the gateway's own use-cases; the confirming code's step is then spent. */
export async function enrol(gw: Gateway, user: TestUser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const offer = (await gw.comp.container.get(TYPES.BeginTotp).execute(user.username))!;
  const { recoveryCodes } = await gw.comp.container.get(TYPES.ConfirmTotp).execute({ userId: offer.userId, secret: offer.secret, code: codeAt(offer.secret, gw.clock.now()) });
  gw.remember(offer.secret, ...recoveryCodes);
  return { secret: offer.secret, recoveryCodes };
}

/** The JSON password step of an enrolled user; fails the test unless it asks for the second factor. */
export async function passwordStep(gw: Gateway, user: TestUser): Promise<string> {
  const res = await gw.http().post('/auth/login').send({ username: user.username, password: user.password });
  if (res.status !== 401 || res.body.error !== 'mfa_required') throw new Error(`expected mfa_required: ${res.status} ${res.text}`);
  gw.remember(res.body.mfaToken as string);
  return res.body.mfaToken as string;
}

export async function codeStep(gw: Gateway, mfaToken: string, code: string): Promise<Response> {
  return gw.track(await gw.http().post('/auth/login/2fa').send({ mfaToken, code }));
}
