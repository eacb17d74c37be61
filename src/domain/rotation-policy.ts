export const ROTATION_POLICIES = ['always', 'on-expiry'] as const;
export type RotationPolicyName = (typeof ROTATION_POLICIES)[number];

/** Which reissue outcomes also replace the refresh token. */
export interface RotationPolicy {
  readonly name: RotationPolicyName;
  /** True when a refresh token used for this reissue is spent and replaced. */
  rotatesOn(outcome: 'reissue_access' | 'reissue_refresh'): boolean;
}

const always: RotationPolicy = { name: 'always', rotatesOn: () => true };
const onExpiry: RotationPolicy = {
  name: 'on-expiry',
  rotatesOn: (outcome) => outcome === 'reissue_refresh',
};

export function rotationPolicy(name: RotationPolicyName): RotationPolicy {
  return name === 'always' ? always : onExpiry;
}
