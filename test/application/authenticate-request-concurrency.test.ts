import type { GateResult } from '../../src/application/authenticate-request';
import { DomainError } from '../../src/domain/errors';
import type { SessionRepository } from '../../src/domain/ports/session-repository';
import { createAppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';
import { LatentSessionRepository } from '../support/latent-session-repository';
import { jtiOf } from '../support/token-forgery';
import { ROTATIONS } from './gate-matrix';

const PARALLEL = 20;

/** SPEC §3 reuse grace and §6 atomic rotation: parallel tabs converge on one refresh token. */
const STORAGE = [
  ['in-memory storage', (inner: SessionRepository) => inner],
  ['storage with latency', (inner: SessionRepository) => new LatentSessionRepository(inner)],
] as const;

describe.each(ROTATIONS)(`AuthenticateRequest (%s): ${PARALLEL} concurrent requests with one refresh token`, (rotation) => {
  it.each(STORAGE)('on %s, all succeed, end on the same refresh token, and storage agrees', async (_, wrap) => {
    const h = createAppHarness({ rotation }, wrap);
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    const l = await h.login(ALICE.username, ALICE.password);
    h.advanceSeconds(60);

    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, () => h.gate({ accessToken: null, refreshToken: l.refreshToken })),
    );

    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    for (const reason of failures) expect(reason).toBeInstanceOf(DomainError);
    expect(failures).toEqual([]);
    const results = settled.map((s) => (s as PromiseFulfilledResult<GateResult>).value);
    const held = new Set(results.map((r) => r.reissued.refresh?.token ?? l.refreshToken));
    expect(held.size).toBe(1);
    const [finalToken] = [...held] as [string];
    const stored = await h.session(l.sessionId);
    expect(stored.currentJti).toBe(jtiOf(finalToken));
    expect(stored.revokedAt).toBeNull();
    for (const r of results) {
      expect(r.outcome).toBe('reissue_access');
      expect(h.signer.verifyAccess(r.reissued.access?.token ?? '')).toMatchObject({ state: 'valid', claims: { sid: l.sessionId } });
    }
  });

  it.each(STORAGE)('on %s, exactly one request rotates under always, the others are grace hits (none under on-expiry)', async (_, wrap) => {
    const h = createAppHarness({ rotation }, wrap);
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    const l = await h.login(ALICE.username, ALICE.password);
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => h.gate({ refreshToken: l.refreshToken })));
    const rotated = rotation === 'always' ? 1 : 0;
    expect(results.filter((r) => !r.graceHit && r.reissued.refresh)).toHaveLength(rotated);
    expect(results.filter((r) => r.graceHit)).toHaveLength(rotation === 'always' ? PARALLEL - 1 : 0);
    expect(h.audit.ofType('refresh')).toHaveLength(rotated);
    expect(h.audit.ofType('reuse_detected')).toEqual([]);
  });
});
