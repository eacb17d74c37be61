import { AddUser } from '../../src/application/add-user';
import { AuthenticateRequest } from '../../src/application/authenticate-request';
import { ChangePassword } from '../../src/application/change-password';
import { DisableUser } from '../../src/application/disable-user';
import { ListSessions } from '../../src/application/list-sessions';
import { Login } from '../../src/application/login';
import { Logout } from '../../src/application/logout';
import { Refresh } from '../../src/application/refresh';
import { RefreshTokenSpender } from '../../src/application/refresh-token-spender';
import { RevokeSession } from '../../src/application/revoke-session';
import type { SessionSettings } from '../../src/application/settings';
import { TokenIssuer } from '../../src/application/token-issuer';
import type { AuditLog } from '../../src/domain/ports/audit-log';
import type { Clock } from '../../src/domain/ports/clock';
import type { IdGenerator } from '../../src/domain/ports/id-generator';
import type { LoginThrottle } from '../../src/domain/ports/login-throttle';
import type { PasswordHasher } from '../../src/domain/ports/password-hasher';
import type { RevocationList } from '../../src/domain/ports/revocation-list';
import type { SessionRepository } from '../../src/domain/ports/session-repository';
import type { TokenSigner } from '../../src/domain/ports/token-signer';
import type { UserRepository } from '../../src/domain/ports/user-repository';

/** Every port the application layer needs. */
export interface Ports {
  users: UserRepository;
  sessions: SessionRepository;
  clock: Clock;
  ids: IdGenerator;
  signer: TokenSigner;
  hasher: PasswordHasher;
  revocations: RevocationList;
  audit: AuditLog;
  throttle: LoginThrottle;
}

export type UseCases = ReturnType<typeof buildUseCases>;

/** Wires the use-cases exactly as `src/container.ts` does, from plain ports. */
export function buildUseCases(p: Ports, settings: SessionSettings) {
  const issuer = new TokenIssuer(p.signer, p.ids, settings);
  const spender = new RefreshTokenSpender(p.sessions, p.users, p.revocations, issuer, p.clock, p.audit, settings);
  const gate = new AuthenticateRequest(p.signer, p.revocations, spender, issuer, settings.rotation, p.clock);
  return {
    issuer,
    spender,
    gate,
    refresh: new Refresh(gate, spender, p.clock),
    login: new Login(p.users, p.sessions, p.hasher, p.throttle, issuer, p.ids, p.clock, p.audit, settings),
    logout: new Logout(p.signer, p.sessions, p.revocations, p.clock, p.audit),
    listSessions: new ListSessions(p.sessions, p.clock, settings),
    addUser: new AddUser(p.users, p.hasher, p.ids, p.clock),
    disableUser: new DisableUser(p.users, p.sessions, p.revocations, p.clock, p.audit),
    changePassword: new ChangePassword(p.users, p.sessions, p.hasher, p.revocations, p.clock, p.audit),
    revokeSession: new RevokeSession(p.sessions, p.revocations, p.clock, p.audit),
  };
}
