import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expectErrorAnswer } from '../support/gateway-http';
import { RunningGateway, type UserSession } from '../support/gateway-harness';

/**
 * Upstream answers whose framing undici refuses after their head, and uploads the upstream
 * answers (or fails) before reading them (src/adapters/proxy/forward.ts, `Relay`).
 * Regressions:
 * - a 304 carrying its representation's `Content-Length` (RFC 9110 §15.4.5 allows it; Node's
 *   own server sends one when the app sets it) reached the client as an empty reply: undici
 *   counted the missing body as an error after the head, and the gateway cut the connection;
 * - an answer whose body never came after its head was an empty reply too, not a 502;
 * - an upstream that answered an upload before reading it (a 401 to an 8 MB POST) left the
 *   client's connection with the rest of the body unread until its keep-alive timeout (65 s).
 */

let upstream: net.Server;
const upstreamSockets = new Set<net.Socket>();
let gw: RunningGateway;
let s: UserSession;
/** Raw upstream answers by path: exact bytes, no framing help from node:http. */
const ANSWERS: Record<string, string> = {
  '/304-with-length': 'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 5\r\n\r\n',
  '/204-with-length': 'HTTP/1.1 204 No Content\r\nX-Note: kept\r\nContent-Length: 3\r\n\r\n',
  '/no-body-came': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n',
  '/early': 'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nupstream 401',
  '/ok': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
};
/** Paths whose answer closes the upstream connection right after it (a body never coming, a reset). */
const CLOSES = new Set(['/no-body-came']);

beforeAll(async () => {
  upstream = net.createServer((socket) => {
    upstreamSockets.add(socket);
    socket.once('close', () => upstreamSockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = '';
    /** The path of the request whose body is being read, and how many of its bytes are still to come. */
    let current: { path: string; left: number } | null = null;
    const answer = (path: string): void => {
      socket.write(ANSWERS[path] ?? ANSWERS['/ok']!);
      if (CLOSES.has(path)) socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (;;) {
        if (current) {
          const taken = Math.min(current.left, pending.length);
          current.left -= taken;
          pending = pending.slice(taken);
          if (current.left > 0) return;
          const { path } = current;
          current = null;
          answer(path);
          continue;
        }
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const path = head.slice(0, head.indexOf('\r\n')).split(' ')[1] ?? '';
        if (path === '/reset-early') return void socket.destroy();
        if (path === '/early') {
          // Answered before the upload, whose rest is never read (as a server that refuses it would).
          answer(path);
          return void socket.pause();
        }
        current = { path, left: Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0) };
      }
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await RunningGateway.start({ UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  s = await gw.session();
});

afterAll(async () => {
  for (const socket of upstreamSockets) socket.destroy();
  await gw.stop();
  await new Promise((resolve) => upstream.close(resolve));
});

interface RawExchange {
  /** Each answer's head and body as read, in order. */
  answers: { status: number; head: string; body: string }[];
  /** The gateway closed the connection, and how long after the request began (ms). */
  closedAfterMs: number | null;
}

/**
 * Sends `requests` (heads, each with its body) on one connection, each once the answer before
 * it came, and reads the answers until all came (and, with `untilClose`, the gateway closed the
 * connection) or the gateway closed it, at most `withinMs`.
 */
function exchange(requests: { head: string; body?: Buffer }[], options: { withinMs?: number; untilClose?: boolean } = {}): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(gw.port, '127.0.0.1');
    const out: RawExchange = { answers: [], closedAfterMs: null };
    let buffer = Buffer.alloc(0);
    let sent = 0;
    let over = false;
    const finish = (): void => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(finish, options.withinMs ?? 5000);
    const sendNext = (): void => {
      const next = requests[sent++];
      if (!next) return;
      socket.write(next.head);
      if (next.body) socket.write(next.body, () => undefined);
    };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (over) return;
      out.closedAfterMs = Date.now() - started;
      finish();
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const status = Number(head.split(' ')[1]);
        const length = status === 204 || status === 304 ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        out.answers.push({ status, head, body: buffer.subarray(end + 4, end + 4 + length).toString('utf8') });
        buffer = buffer.subarray(end + 4 + length);
        if (out.answers.length === requests.length) return void (options.untilClose ? undefined : finish());
        sendNext();
      }
    });
    socket.on('connect', sendNext);
  });
}

const get = (path: string): { head: string } => ({ head: `GET ${path} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${s.access}\r\n\r\n` });
const post = (path: string, size: number): { head: string; body: Buffer } => ({
  head: `POST ${path} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${s.access}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`,
  body: Buffer.alloc(size, 97),
});
const header = (head: string, name: string): string | undefined => new RegExp(`\\r\\n${name}: *([^\\r]*)`, 'i').exec(head)?.[1];

describe('answers undici counts as a missing body', () => {
  it('a 304 with its representation\'s Content-Length reaches the client as that 304, and the connection serves the next request', async () => {
    const res = await exchange([get('/304-with-length'), get('/ok')]);
    expect(res.answers.map((a) => a.status)).toEqual([304, 200]);
    expect(header(res.answers[0]!.head, 'etag')).toBe('"v1"');
    expect(res.answers[1]!.body).toBe('ok');
  });

  it('a 204 with a Content-Length reaches the client as that 204', async () => {
    const res = await exchange([get('/204-with-length'), get('/ok')]);
    expect(res.answers.map((a) => a.status)).toEqual([204, 200]);
    expect(header(res.answers[0]!.head, 'x-note')).toBe('kept');
  });

  it('a 200 whose declared body never comes is a 502 bad_gateway, not an empty reply', async () => {
    const res = await gw.request('/no-body-came', { headers: { Authorization: `Bearer ${s.access}` } });
    expectErrorAnswer(res, 502, 'bad_gateway');
  });
});

describe('an upload the upstream does not read', () => {
  const SIZE = 8_000_000;

  it('answered early (401 before the body): the client gets that answer with Connection: close, and the connection closes at once', async () => {
    const res = await exchange([post('/early', SIZE)], { withinMs: 10_000, untilClose: true });
    expect(res.answers.map((a) => [a.status, a.body])).toEqual([[401, 'upstream 401']]);
    expect(header(res.answers[0]!.head, 'connection')).toBe('close');
    expect(res.closedAfterMs).not.toBeNull();
  });

  it('the upstream resets before reading it: 502 bad_gateway with Connection: close, and the connection closes', async () => {
    const res = await exchange([post('/reset-early', SIZE)], { withinMs: 10_000, untilClose: true });
    expect(res.answers.map((a) => a.status)).toEqual([502]);
    expect(header(res.answers[0]!.head, 'connection')).toBe('close');
    expect(res.closedAfterMs).not.toBeNull();
  });

  it('an upload read whole keeps the connection alive for the next request', async () => {
    const res = await exchange([post('/ok', 100_000), get('/ok')], { withinMs: 1500, untilClose: true });
    expect(res.answers.map((a) => a.status)).toEqual([200, 200]);
    expect(header(res.answers[0]!.head, 'connection')).toBe('keep-alive');
    expect(res.closedAfterMs).toBeNull();
  });
});
