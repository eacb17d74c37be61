import type { Duplex } from 'node:stream';
import { DomainError } from '../../domain/errors';
import { refusalAnswer, sendAnswerOnSocket } from '../admission/answers';
import { requestIdFor } from './request-context';

/**
 * SPEC §4's `invalid_request` answer (JSON body, `X-Request-Id`) under `status` (400, 408 or
 * 431), written on the raw socket by the writer upgrades use, then the connection is closed.
 */
function endWithError(socket: Duplex, status: number, description: string): void {
  const answer = refusalAnswer(new DomainError('invalid_request', description), requestIdFor(undefined), []);
  sendAnswerOnSocket(socket, { ...answer, status });
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
  if (error.code === 'HPE_HEADER_OVERFLOW') return endWithError(socket, 431, 'the request headers are too large');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return endWithError(socket, 408, 'the request head took too long to arrive');
  endWithError(socket, 400, 'the request is malformed');
}
