import type { GateResult, PresentedTokens } from '../../src/application/authenticate-request';
import type { LoginResult } from '../../src/application/login';
import type { LogoutScope } from '../../src/application/logout';
import type { RequestContext, SessionSettings } from '../../src/application/settings';
import { PollingRevocationList } from '../../src/adapters/revocation/polling-revocation-list';
import { Argon2PasswordHasher } from '../../src/adapters/security/argon2-password-hasher';
import { JwtTokenSigner } from '../../src/adapters/security/jwt-token-signer';
import { MemorySessionRepository } from '../../src/adapters/storage/memory-session-repository';
import { MemoryUserRepository } from '../../src/adapters/storage/memory-user-repository';
import { RandomIdGenerator } from '../../src/adapters/system/random-id-generator';
import { FlexibleLoginThrottle } from '../../src/adapters/throttle/flexible-login-throttle';
import { rotationPolicy } from '../../src/domain/rotation-policy';
import type { SessionRepository } from '../../src/domain/ports/session-repository';
import type { Session } from '../../src/domain/session';
import type { User } from '../../src/domain/user';
import { FixedClock } from './fixed-clock';
import { DEFAULT_CONTEXT, DEFAULT_SETTINGS, HARNESS_SECRET, type HarnessSettings } from './harness-settings';
import { RecordingAuditLog } from './recording-audit-log';
import { buildUseCases, grantOf, type UseCases } from './use-cases';

/** What two gateway instances share: storage, time, keys (and password hashing). */
interface Shared {
  users: MemoryUserRepository;
  sessions: SessionRepository;
  clock: FixedClock;
  signer: JwtTokenSigner;
  hasher: Argon2PasswordHasher;
}

/** The whole application layer over in-memory adapters, a fixed clock and real crypto. */
export class AppHarness {
  readonly users: MemoryUserRepository;
  readonly sessions: SessionRepository;
  readonly clock: FixedClock;
  readonly signer: JwtTokenSigner;
  readonly revocations: PollingRevocationList;
  readonly audit = new RecordingAuditLog();
  readonly sessionSettings: SessionSettings;
  readonly useCases: UseCases;
  readonly ctx: RequestContext = { ...DEFAULT_CONTEXT };

  /** The password hasher the use cases share (four hashes at a time). */
  get hasher(): Argon2PasswordHasher {
    return this.shared.hasher;
  }

  constructor(readonly settings: HarnessSettings, private readonly shared: Shared) {
    ({ users: this.users, sessions: this.sessions, clock: this.clock, signer: this.signer } = shared);
    this.revocations = new PollingRevocationList(this.sessions, this.clock, {
      intervalMs: settings.revocationTtl * 1000,
      retainMs: (settings.accessTokenTtl + settings.clockSkew) * 1000,
    });
    this.sessionSettings = {
      accessTokenTtl: settings.accessTokenTtl,
      refreshTokenTtl: settings.refreshTokenTtl,
      sessionMaxLifetime: settings.sessionMaxLifetime,
      refreshReuseGrace: settings.refreshReuseGrace,
      rotation: rotationPolicy(settings.rotation),
    };
    this.useCases = buildUseCases(
      {
        ...shared,
        ids: new RandomIdGenerator(),
        revocations: this.revocations,
        audit: this.audit,
        throttle: new FlexibleLoginThrottle(settings.loginRateLimit),
      },
      this.sessionSettings,
    );
  }

  /** Another gateway instance on the same storage, with its own (unpolled) revocation view. */
  secondInstance(): AppHarness {
    return new AppHarness(this.settings, this.shared);
  }

  addUser(username: string, password: string, roles: string[] = []): Promise<User> {
    return this.useCases.addUser.execute({ username, password, roles });
  }

  login(username: string, password: string, ctx: Partial<RequestContext> = {}): Promise<LoginResult> {
    return this.useCases.login.execute({ username, password }, { ...this.ctx, ...ctx }).then(grantOf);
  }

  /** The per-request gate with the default request context. */
  gate(tokens: Partial<PresentedTokens>): Promise<GateResult> {
    return this.useCases.gate.execute({ accessToken: null, refreshToken: null, ...tokens }, this.ctx);
  }

  /** Logout with the default request context; absent tokens count as not sent. */
  logout(tokens: Partial<PresentedTokens>, scope: LogoutScope = 'local'): Promise<string[]> {
    return this.useCases.logout.execute({ accessToken: null, refreshToken: null, ...tokens }, scope, this.ctx);
  }

  /** The stored session; fails the test when it is unknown. */
  async session(id: string): Promise<Session> {
    const session = await this.sessions.findById(id);
    if (!session) throw new Error(`no stored session ${id}`);
    return session;
  }

  /** A genuine access token for the session, minted now by the real issuer. */
  async mintAccess(sessionId: string): Promise<string> {
    const session = await this.session(sessionId);
    const user = await this.users.findById(session.userId);
    if (!user) throw new Error(`no stored user ${session.userId}`);
    return this.useCases.issuer.access(session, user, this.clock.now()).token;
  }

  advanceSeconds(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }
}

/**
 * A fresh application with its own storage and clock; `overrides` tune the settings.
 * `wrapSessions` may decorate the in-memory session repository (e.g. to add latency).
 */
export function createAppHarness(
  overrides: Partial<HarnessSettings> = {},
  wrapSessions: (inner: SessionRepository) => SessionRepository = (inner) => inner,
): AppHarness {
  const settings = { ...DEFAULT_SETTINGS, ...overrides };
  const clock = new FixedClock();
  const signer = new JwtTokenSigner({
    algorithm: 'HS256',
    secret: HARNESS_SECRET,
    issuer: 'tokengate',
    audience: 'tokengate',
    clockSkewSeconds: settings.clockSkew,
    clock,
  });
  return new AppHarness(settings, {
    users: new MemoryUserRepository(),
    sessions: wrapSessions(new MemorySessionRepository()),
    clock,
    signer,
    hasher: new Argon2PasswordHasher(),
  });
}
