import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Writes an HTTP/1.1 response head, and a whole body unless `streamed` (then the caller
 * writes the body and closes the connection, which ends it), on a raw socket: upgrade
 * requests have no ServerResponse.
 */
export function writeRawResponse(
  socket: Duplex,
  status: number,
  headers: [string, string][],
  body = '',
  options: { streamed?: boolean } = {},
): void {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of headers) lines.push(`${name}: ${value.replace(/[\r\n]/g, '')}`);
  if (status !== 101 && !options.streamed) lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close');
  socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
