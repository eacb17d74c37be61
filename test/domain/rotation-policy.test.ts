import { ROTATION_POLICIES, rotationPolicy, type RotationPolicyName } from '../../src/domain/rotation-policy';

type Reissue = 'reissue_access' | 'reissue_refresh';

describe('rotation policies (SPEC §3, REFRESH_ROTATION)', () => {
  it('offers exactly always and on-expiry', () => {
    expect([...ROTATION_POLICIES].sort()).toEqual(['always', 'on-expiry']);
  });

  it.each<[RotationPolicyName, Reissue, boolean]>([
    // always: every use of a refresh token to reissue also replaces it
    ['always', 'reissue_access', true],
    ['always', 'reissue_refresh', true],
    // on-expiry: the refresh token is reissued only in case 3
    ['on-expiry', 'reissue_access', false],
    ['on-expiry', 'reissue_refresh', true],
  ])('%s on %s rotates: %s', (name, outcome, rotates) => {
    expect(rotationPolicy(name).rotatesOn(outcome)).toBe(rotates);
  });

  it.each(ROTATION_POLICIES)('%s names itself', (name) => {
    expect(rotationPolicy(name).name).toBe(name);
  });
});
