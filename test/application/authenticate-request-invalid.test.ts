import type { PresentedTokens } from '../../src/application/authenticate-request';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';
import { algNone, forgeWithWrongKey, tamperPayload, tamperSignature, withAlg } from '../support/token-forgery';
import { ROTATIONS } from './gate-matrix';

type Spoil = (token: string, h: AppHarness) => string;

/** Ways a genuine token is made `invalid` (SPEC §2): none of them may lead to a reissue. */
const SPOILERS: [string, Spoil][] = [
  ['signed with a wrong key', (t, h) => forgeWithWrongKey(t, h.clock)],
  ['payload edited (sub changed)', (t) => tamperPayload(t, { sub: 'someone-else' })],
  ['payload edited (exp pushed out)', (t) => tamperPayload(t, { exp: 4_000_000_000 })],
  ['wrong issuer', (t) => tamperPayload(t, { iss: 'evil' })],
  ['signature edited', (t) => tamperSignature(t)],
  ['alg none', (t) => algNone(t)],
  ['alg HS512 header on an HS256 signature', (t) => withAlg(t, 'HS512')],
  ['truncated', (t) => t.slice(0, t.lastIndexOf('.'))],
  ['over 8 KB', (t) => `${t}${'A'.repeat(8192)}`],
  ['not a JWT', () => 'not-a-token'],
];

async function loginAlice(h: AppHarness) {
  await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
  return h.login(ALICE.username, ALICE.password);
}

describe.each(ROTATIONS)('AuthenticateRequest (%s): invalid tokens', (rotation) => {
  let h: AppHarness;
  beforeEach(() => {
    h = createAppHarness({ rotation });
  });

  it.each(SPOILERS)('an access token %s is invalid_token, even beside a valid refresh token', async (_, spoil) => {
    const l = await loginAlice(h);
    const before = await h.session(l.sessionId);
    await expect(h.gate({ accessToken: spoil(l.accessToken, h), refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'invalid_token' });
    expect(await h.session(l.sessionId)).toEqual(before);
  });

  it.each(SPOILERS)('a refresh token %s is invalid_token, with or without an access token', async (_, spoil) => {
    const l = await loginAlice(h);
    const refreshToken = spoil(l.refreshToken, h);
    await expect(h.gate({ refreshToken })).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(h.gate({ accessToken: l.accessToken, refreshToken })).rejects.toMatchObject({ code: 'invalid_token' });
  });

  const swapped: [string, (l: { accessToken: string; refreshToken: string }) => Partial<PresentedTokens>][] = [
    ['a refresh token as the access token', (l) => ({ accessToken: l.refreshToken })],
    ['an access token as the refresh token', (l) => ({ refreshToken: l.accessToken })],
    ['both swapped', (l) => ({ accessToken: l.refreshToken, refreshToken: l.accessToken })],
    ['a refresh token in both places', (l) => ({ accessToken: l.refreshToken, refreshToken: l.refreshToken })],
  ];
  it.each(swapped)('%s is invalid_token (the kinds are never interchangeable)', async (_, tokens) => {
    const l = await loginAlice(h);
    await expect(h.gate(tokens(l))).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('valid tokens of two different sessions are invalid_token', async () => {
    const one = await loginAlice(h);
    const two = await h.login(ALICE.username, ALICE.password);
    await expect(h.gate({ accessToken: one.accessToken, refreshToken: two.refreshToken })).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('case 2 with an expired access token of another session is invalid_token and spends nothing', async () => {
    const one = await loginAlice(h);
    const two = await h.login(ALICE.username, ALICE.password);
    h.advanceSeconds(h.settings.accessTokenTtl + h.settings.clockSkew + 1);
    const before = await h.session(two.sessionId);
    await expect(h.gate({ accessToken: one.accessToken, refreshToken: two.refreshToken })).rejects.toMatchObject({ code: 'invalid_token' });
    expect(await h.session(two.sessionId)).toEqual(before);
  });

  it("case 2 with a refresh token whose sub is not its session's user is invalid_token", async () => {
    const l = await loginAlice(h);
    await h.addUser('mallory', 'mallory-password', []);
    const mallory = await h.login('mallory', 'mallory-password');
    const session = await h.session(l.sessionId);
    // A genuine signature over another user's session id: only the issuer could make it.
    const crossed = h.useCases.issuer.refresh({ ...session, userId: mallory.userId }, session.currentJti, session.currentIssuedAt, h.clock.now());
    await expect(h.gate({ refreshToken: crossed.token })).rejects.toMatchObject({ code: 'invalid_token' });
  });
});
