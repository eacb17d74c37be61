import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { RunningGateway, type UserSession } from '../support/gateway-harness';

/**
 * A client that sends a WebSocket handshake and leaves before the upstream answers it: the
 * upstream request goes with it (docs/security.md §15). Before, the gateway kept the upstream
 * request until the upstream answered (or `UPSTREAM_TIMEOUT`), and opened the tunnel to a
 * client already gone.
 */

const ANSWER_MS = 300;
let upstream: http.Server;
let gw: RunningGateway;
let s: UserSession;
/** Called with whether the upstream's handshake socket closed before the upstream had answered it. */
let upstreamSocketClosed: (beforeAnswer: boolean) => void = () => {};
let handshakeArrived: () => void = () => {};
/** Upgraded sockets leave the server's books: closed by hand at the end. */
const upgraded = new Set<Duplex>();

beforeAll(async () => {
  upstream = http.createServer((_req, res) => void res.writeHead(404).end());
  upstream.on('upgrade', (_req, socket) => {
    handshakeArrived();
    upgraded.add(socket);
    let answered = false;
    const timer = setTimeout(() => {
      answered = true;
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
    }, ANSWER_MS);
    socket.on('error', () => {});
    // The server keeps sockets half-open: the gateway's FIN arrives as `end`.
    const closed = (): void => {
      clearTimeout(timer);
      upstreamSocketClosed(!answered);
      upstreamSocketClosed = () => {};
      socket.destroy();
      upgraded.delete(socket);
    };
    socket.once('end', closed);
    socket.once('close', closed);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await RunningGateway.start({ UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  s = await gw.session();
});

afterAll(async () => {
  for (const socket of upgraded) socket.destroy();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  await gw.stop();
});

describe('a WebSocket client that leaves before the upstream answers its handshake', () => {
  it('the upstream handshake is torn down before the upstream answers it, not left open', async () => {
    const arrived = new Promise<void>((resolve) => (handshakeArrived = resolve));
    const closed = new Promise<boolean>((resolve) => (upstreamSocketClosed = resolve));
    const client = net.connect(gw.port, '127.0.0.1');
    client.on('error', () => {});
    client.write(
      [
        'GET /ws/late HTTP/1.1',
        `Host: 127.0.0.1:${gw.port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Authorization: Bearer ${s.access}`,
        '',
        '',
      ].join('\r\n'),
    );
    await arrived;
    client.destroy();
    const timeout = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ANSWER_MS * 5).unref());
    await expect(Promise.race([closed, timeout])).resolves.toBe(true);
  });

  it('afterwards a handshake that stays is answered 101', async () => {
    const client = net.connect(gw.port, '127.0.0.1');
    const head = new Promise<string>((resolve, reject) => {
      let data = '';
      client.on('data', (c: Buffer) => {
        data += c.toString('latin1');
        if (data.includes('\r\n\r\n')) resolve(data.split('\r\n', 1)[0]!);
      });
      client.on('error', reject);
    });
    client.write(['GET /ws/late HTTP/1.1', `Host: 127.0.0.1:${gw.port}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Authorization: Bearer ${s.access}`, '', ''].join('\r\n'));
    await expect(head).resolves.toBe('HTTP/1.1 101 Switching Protocols');
    client.destroy();
  });
});
