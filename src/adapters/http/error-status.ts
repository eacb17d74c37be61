import type { ErrorCode } from '../../domain/errors';

/** The one map from error code to HTTP status (SPEC §4). */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  login_required: 401,
  token_revoked: 401,
  token_reused: 401,
  forbidden: 403,
  mfa_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  bad_gateway: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
};
