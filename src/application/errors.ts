import { DomainError, type ErrorCode } from '../domain/errors';

const DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  login_required: 'authentication required: log in again',
  invalid_token: 'the token is invalid',
  token_revoked: 'the session has been revoked',
  token_reused: 'a refresh token was reused; the session has been revoked',
  invalid_credentials: 'invalid username or password',
};

/** The error the use-cases throw for a rejected token case. */
export function reject(code: ErrorCode, description?: string): DomainError {
  return new DomainError(code, description ?? DESCRIPTIONS[code] ?? code);
}
