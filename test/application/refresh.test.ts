import type { PresentedTokens } from '../../src/application/authenticate-request';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { arrangeTokens, type Presented } from '../support/gate-arrange';
import { decodePayload } from '../support/token-forgery';
import { ROTATIONS } from './gate-matrix';

const exp = (token: string) => decodePayload(token).exp as number;

/** `/auth/refresh`: SPEC §3 applied, answered as a `TokenResponse` (§4). */
describe.each(ROTATIONS)('Refresh (%s)', (rotation) => {
  let h: AppHarness;
  beforeEach(() => {
    h = createAppHarness({ rotation });
  });
  const refresh = (tokens: PresentedTokens) => h.useCases.refresh.execute(tokens, h.ctx);
  const nowSeconds = () => Math.floor(h.clock.now() / 1000);

  it('needs a refresh token: invalid_request without one, even beside a valid access token', async () => {
    const a = await arrangeTokens(h, 'valid', 'missing');
    await expect(refresh(a.tokens)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  const ROWS: [Presented, Presented, ('access' | 'refresh')[]][] = [
    ['valid', 'valid', []],
    ['valid', 'expired', ['refresh']],
    ['missing', 'valid', rotation === 'always' ? ['access', 'refresh'] : ['access']],
    ['expired', 'valid', rotation === 'always' ? ['access', 'refresh'] : ['access']],
  ];
  it.each(ROWS)('access %s × refresh %s reissues %j and names the tokens to keep', async (access, refreshState, reissued) => {
    const a = await arrangeTokens(h, access, refreshState);
    const grant = await refresh(a.tokens);
    expect(grant.reissued).toEqual(reissued);
    const keepAccess = reissued.includes('access') ? grant.accessToken : a.tokens.accessToken;
    const keepRefresh = reissued.includes('refresh') ? grant.refreshToken : a.tokens.refreshToken;
    expect(grant.accessToken).toBe(keepAccess);
    expect(grant.refreshToken).toBe(keepRefresh);
    expect(grant.expiresIn).toBe(exp(grant.accessToken) - nowSeconds());
    expect(grant.refreshExpiresIn).toBe(exp(grant.refreshToken) - nowSeconds());
  });

  it.each([
    ['missing', 'missing', 'invalid_request'],
    ['missing', 'expired', 'login_required'],
    ['missing', 'invalid', 'invalid_token'],
  ] as [Presented, Presented, string][])('access %s × refresh %s is %s', async (access, refreshState, code) => {
    const a = await arrangeTokens(h, access, refreshState);
    await expect(refresh(a.tokens)).rejects.toMatchObject({ code });
  });
});

/** Regression: `/auth/refresh` consults storage even in case 4 (SPEC §3, reuse row). */
describe('Refresh checks the refresh token against storage in case 4', () => {
  let h: AppHarness;
  beforeEach(async () => {
    h = createAppHarness({ rotation: 'always', refreshReuseGrace: 10 });
    await h.addUser('ria', 'pw-ria-123');
  });

  it('a spent refresh token beside a valid access token, past grace, is token_reused and revokes the session', async () => {
    const first = await h.login('ria', 'pw-ria-123');
    const rotated = await h.useCases.refresh.execute({ accessToken: null, refreshToken: first.refreshToken }, h.ctx);
    h.advanceSeconds(11);
    const tokens = { accessToken: rotated.accessToken, refreshToken: first.refreshToken };
    await expect(h.useCases.refresh.execute(tokens, h.ctx)).rejects.toMatchObject({ code: 'token_reused' });
    expect((await h.session(first.sessionId)).revokeReason).toBe('reuse_detected');
  });

  it('within grace, case 4 hands back the session current refresh token', async () => {
    const first = await h.login('ria', 'pw-ria-123');
    const rotated = await h.useCases.refresh.execute({ accessToken: null, refreshToken: first.refreshToken }, h.ctx);
    const grant = await h.useCases.refresh.execute({ accessToken: rotated.accessToken, refreshToken: first.refreshToken }, h.ctx);
    expect(grant.reissued).toEqual(['refresh']);
    expect(grant.refreshToken).toBe(rotated.refreshToken);
    expect(grant.accessToken).toBe(rotated.accessToken);
  });

  it('a session revoked in storage but not yet known to this instance is token_revoked', async () => {
    const login = await h.login('ria', 'pw-ria-123');
    await h.sessions.revoke(login.sessionId, 'admin', h.clock.now());
    const tokens = { accessToken: login.accessToken, refreshToken: login.refreshToken };
    await expect(h.useCases.refresh.execute(tokens, h.ctx)).rejects.toMatchObject({ code: 'token_revoked' });
  });
});

/** `renew` (the browser client's proactive refresh): case 4 reissues the access token too. */
describe.each(ROTATIONS)('Refresh with renew (%s)', (rotation) => {
  let h: AppHarness;
  beforeEach(() => {
    h = createAppHarness({ rotation });
  });
  const renew = (tokens: PresentedTokens) => h.useCases.refresh.execute(tokens, h.ctx, { renew: true });

  it('valid access × valid refresh: a new access token, the refresh token rotated as in case 2', async () => {
    const a = await arrangeTokens(h, 'valid', 'valid');
    h.advanceSeconds(1);
    const grant = await renew(a.tokens);
    expect(grant.reissued).toEqual(rotation === 'always' ? ['access', 'refresh'] : ['access']);
    expect(grant.accessToken).not.toBe(a.tokens.accessToken);
    expect(decodePayload(grant.accessToken).sid).toBe(decodePayload(a.tokens.accessToken as string).sid);
    expect(grant.expiresIn).toBe(exp(grant.accessToken) - Math.floor(h.clock.now() / 1000));
  });

  it('still applies the pair rules first: an invalid access token beside a valid refresh token is invalid_token', async () => {
    const a = await arrangeTokens(h, 'invalid', 'valid');
    await expect(renew(a.tokens)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('valid access × expired refresh is still case 3 (refresh reissued), not login_required', async () => {
    const a = await arrangeTokens(h, 'valid', 'expired');
    const grant = await renew(a.tokens);
    expect(grant.reissued).toEqual(['refresh']);
  });
});
