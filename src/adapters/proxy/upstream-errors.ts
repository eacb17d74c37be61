import { DomainError } from '../../domain/errors';

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** An upstream failure as the client sees it: 504 when it was too slow, else 502. */
export function upstreamError(error: unknown): DomainError {
  const code = (error as { code?: string } | null)?.code ?? '';
  if (TIMEOUTS.has(code)) return new DomainError('gateway_timeout', 'the upstream did not answer in time');
  return new DomainError('bad_gateway', 'the upstream could not be reached');
}
