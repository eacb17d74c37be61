import type { Duplex } from 'node:stream';
import { DomainError } from '../../domain/errors';
import { errorAnswer } from './error-middleware';

/**
 * The server's `clientError` listener: a request Node's parser refuses (a target such as
 * `\\host/x`, a malformed head) gets SPEC §4's 400 `invalid_request` body instead of Node's
 * bare 400; oversized headers keep 431 and a timed-out head 408, as Node answers them.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') return void socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return void socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  const answer = errorAnswer(new DomainError('invalid_request', 'the request is malformed'));
  const body = JSON.stringify(answer.body);
  socket.end(
    `HTTP/1.1 ${answer.status} Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
