import type { Duplex } from 'node:stream';
import { DomainError } from '../../domain/errors';
import { errorAnswer } from './error-middleware';
import { requestIdFor } from './request-context';

/** The status line's reason for the few statuses written here. */
const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * SPEC §4's error answer written on a raw socket, then closed: the JSON body of
 * `invalid_request` under `status` (400, 408 or 431), `X-Request-Id`, `Connection: close`.
 */
function endWithError(socket: Duplex, status: number, description: string, requestId: string): void {
  const body = JSON.stringify(errorAnswer(new DomainError('invalid_request', description)).body);
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The server's `clientError` listener: a request Node's parser refuses (a target such as
 * `\\host/x`, a malformed head) gets SPEC §4's 400 `invalid_request` body instead of Node's
 * bare 400; oversized headers keep 431 and a timed-out head 408, as Node answers them, with
 * the same body. The head was not parsed, so the request id is always a new one.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const id = requestIdFor(undefined);
  if (error.code === 'HPE_HEADER_OVERFLOW') return endWithError(socket, 431, 'the request headers are too large', id);
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return endWithError(socket, 408, 'the request head took too long to arrive', id);
  endWithError(socket, 400, 'the request is malformed', id);
}
