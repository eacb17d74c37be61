/** Security events (SPEC: never a token, cookie or password in them). */
export type SecurityEventType =
  | 'login_success'
  | 'login_failure'
  | 'login_throttled'
  | 'refresh'
  | 'grace_hit'
  | 'reuse_detected'
  | 'logout'
  | 'session_revoked'
  | 'user_disabled'
  | 'password_changed'
  | 'mfa_challenge'
  | 'totp_enrolled'
  | 'totp_disabled';

export interface SecurityEvent {
  type: SecurityEventType;
  userId?: string;
  /** A normalized username that names an existing user. */
  username?: string;
  /**
   * What was typed as a username when it names no user: sometimes a password typed in the
   * wrong field, so the audit log never writes it, only a short keyed hash (`usernameHash`).
   */
  typedUsername?: string;
  sessionId?: string;
  ip?: string | null;
  requestId?: string;
  reason?: string;
  count?: number;
}

/** Where security events go. Fire and forget: never throws, never blocks. */
export interface AuditLog {
  record(event: SecurityEvent): void;
}
