/** Every failure tokengate names. The HTTP adapter maps each to a status in one table. */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_credentials',
  'invalid_token',
  'login_required',
  'token_revoked',
  'token_reused',
  'forbidden',
  'mfa_required',
  'payload_too_large',
  'rate_limited',
  'bad_gateway',
  'gateway_timeout',
  'service_unavailable',
  'method_not_allowed',
  'not_found',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetails {
  /** Seconds the client should wait (429, 503). */
  retryAfterSeconds?: number;
  /** Methods the route accepts (405). */
  allow?: readonly string[];
}

/** A failure with a stable code; its message is safe to show to the caller. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
