import type { PresentedTokens } from '../../src/application/authenticate-request';
import type { RotationPolicyName } from '../../src/domain/rotation-policy';
import { createAppHarness, type AppHarness } from './app-harness';
import { ALICE } from './gate-arrange';

/** How a refresh token gets spent: the request that rotated it, replayable as is. */
export interface SpendRoute {
  rotation: RotationPolicyName;
  /** Which decision-table case rotates. */
  via: 'case 2' | 'case 3';
}

/** Every way a refresh token is replaced by rotation (SPEC §3): on-expiry only rotates in case 3. */
export const SPEND_ROUTES: SpendRoute[] = [
  { rotation: 'always', via: 'case 2' },
  { rotation: 'always', via: 'case 3' },
  { rotation: 'on-expiry', via: 'case 3' },
];

export interface Spent {
  h: AppHarness;
  sessionId: string;
  /** The request that spent the token; presenting it again replays the spent token. */
  replay: PresentedTokens;
  /** The refresh token that replaced it. */
  next: string;
  /** The access token the client holds after the rotation. */
  access: string;
  rotatedAt: number;
}

/** Logs alice in, then spends her refresh token along `route`. */
export async function spendRefresh(route: SpendRoute): Promise<Spent> {
  const h = createAppHarness({ rotation: route.rotation });
  await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
  const l = await h.login(ALICE.username, ALICE.password);
  let replay: PresentedTokens;
  if (route.via === 'case 2') {
    h.advanceSeconds(100);
    replay = { accessToken: null, refreshToken: l.refreshToken };
  } else {
    h.advanceSeconds(h.settings.refreshTokenTtl + h.settings.clockSkew + 1);
    replay = { accessToken: await h.mintAccess(l.sessionId), refreshToken: l.refreshToken };
  }
  const result = await h.gate(replay);
  const next = result.reissued.refresh?.token;
  const access = result.reissued.access?.token ?? replay.accessToken;
  if (!next || !access) throw new Error(`${route.rotation} ${route.via} did not rotate`);
  return { h, sessionId: l.sessionId, replay, next, access, rotatedAt: h.clock.now() };
}
