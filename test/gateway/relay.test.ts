import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunningGateway, type UserSession } from '../support/gateway-harness';
import { waitUntil } from '../support/gateway-http';

/**
 * How the proxy relays an upstream's answer (src/adapters/proxy/forward.ts): informational
 * answers, bodies written in pieces over time, and a client that leaves mid-body, whose
 * upstream request must then be torn down rather than left running.
 */

let upstream: http.Server;
let gw: RunningGateway;
let s: UserSession;
/** Resolves when the upstream's `/endless` response closes, with whether it had finished. */
let endlessClosed: Promise<boolean>;
let onEndlessClosed: (finished: boolean) => void;
/** `/late` answers after this many ms; each of its responses reports here whether it had finished when it closed. */
const LATE_MS = 2000;
let lateClosed: (finished: boolean) => void = () => {};
let lateArrived: () => void = () => {};
/** The gateway's upstream connections per origin (src/gateway-bindings.ts). */
const UPSTREAM_CONNECTIONS = 256;
/** `/held` never answers; its requests count here as they arrive and as they close. */
const held = { arrived: 0, closed: 0 };
/** `/sized-split` writes its second half only once this resolves (the client saw the first). */
let firstHalfSeen: Promise<void> = Promise.resolve();
const SIZED = 'a body of known length';

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === '/early-hints') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('final answer'), 20);
      return;
    }
    if (req.url === '/pieces') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => {
        res.write(`piece ${n};`);
        if (++n === 5) {
          clearInterval(timer);
          res.end();
        }
      }, 10);
      return;
    }
    if (req.url === '/endless') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('tick\n'), 20);
      res.on('close', () => {
        clearInterval(timer);
        onEndlessClosed(res.writableFinished);
      });
      return;
    }
    if (req.url === '/sized') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(SIZED.length) }).end(req.method === 'HEAD' ? undefined : SIZED);
      return;
    }
    if (req.url === '/sized-split') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '12' });
      res.write('first;');
      void firstHalfSeen.then(() => res.end('second'));
      return;
    }
    if (req.url === '/held') {
      held.arrived++;
      res.on('close', () => held.closed++);
      return;
    }
    if (req.url === '/late') {
      lateArrived();
      const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('late answer'), LATE_MS);
      res.on('close', () => {
        clearTimeout(timer);
        lateClosed(res.writableFinished);
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await RunningGateway.start({ UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, UPSTREAM_TIMEOUT: '30s' });
  s = await gw.session();
});

afterAll(async () => {
  // The upstream first: a stream left running by a failed test would otherwise hold the gateway's stop.
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  await gw.stop();
});

/** Sends GET `path` and destroys the request once `leave` resolves, before any answer. */
function getAndLeave(path: string, leave: Promise<unknown>): void {
  const req = http.get({ host: '127.0.0.1', port: gw.port, path, agent: false, headers: { authorization: `Bearer ${s.access}` } });
  req.on('error', () => {}); // ECONNRESET or "socket hang up": the point of the exercise
  void leave.then(() => req.destroy());
}

function get(path: string): Promise<{ status: number; informational: number[]; body: string }> {
  return new Promise((resolve, reject) => {
    const informational: number[] = [];
    const req = http.get({ host: '127.0.0.1', port: gw.port, path, agent: false, headers: { authorization: `Bearer ${s.access}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, informational, body }));
    });
    req.on('information', (info) => informational.push(info.statusCode));
    req.on('error', reject);
  });
}

describe('relaying the upstream answer', () => {
  it('a 103 Early Hints before the answer: the client gets the final 200 and its body, the 1xx is not relayed', async () => {
    const r = await get('/early-hints');
    expect(r).toEqual({ status: 200, informational: [], body: 'final answer' });
  });

  it('a body written in five pieces over 50 ms arrives whole and in order', async () => {
    const r = await get('/pieces');
    expect(r.status).toBe(200);
    expect(r.body).toBe('piece 0;piece 1;piece 2;piece 3;piece 4;');
  });

  it('a client that leaves mid-body: the upstream request is aborted, not left streaming', async () => {
    endlessClosed = new Promise((resolve) => (onEndlessClosed = resolve));
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: gw.port, path: '/endless', agent: false, headers: { authorization: `Bearer ${s.access}` } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    });
    const timeout = new Promise<'still streaming'>((resolve) => setTimeout(() => resolve('still streaming'), 3000).unref());
    await expect(Promise.race([endlessClosed, timeout])).resolves.toBe(false);
  });

  it('a client that leaves before the upstream answers: the upstream request is aborted, not left paused', async () => {
    const arrived = new Promise<void>((resolve) => (lateArrived = resolve));
    const closed = new Promise<boolean>((resolve) => (lateClosed = resolve));
    getAndLeave('/late', arrived);
    // Regression: the answer used to be written to the gone client, which never drains, so
    // undici kept that upstream connection paused for good.
    await expect(closed).resolves.toBe(false);
  });

  it('300 clients that leave before their answers do not use up the upstream connections (256): the next request is proxied', async () => {
    // Every upstream connection busy with an answer that never comes (the rest wait in the
    // gateway's queue), then the clients leave.
    const leave = waitUntil(() => held.arrived >= UPSTREAM_CONNECTIONS, 10_000, 10);
    for (let i = 0; i < 300; i++) getAndLeave('/held', leave);
    await leave;
    const arrived = held.arrived;
    // Only the gateway's aborts close these upstream requests; without them every connection
    // stays taken and the next request waits for ever.
    await waitUntil(() => held.closed >= arrived, 10_000, 10);
    const timeout = new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), 5000).unref());
    const answer = await Promise.race([get('/pieces'), timeout]);
    expect(answer).toMatchObject({ status: 200, body: 'piece 0;piece 1;piece 2;piece 3;piece 4;' });
    expect({ arrived, allClosed: held.closed >= arrived }).toEqual({ arrived: UPSTREAM_CONNECTIONS, allClosed: true });
  });

  it('a body of known length in one piece arrives whole, with its Content-Length, on a connection kept alive for the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers: { status: number; length: string | undefined; body: string; reused: boolean }[] = [];
      for (const method of ['GET', 'GET', 'HEAD']) {
        answers.push(
          await new Promise((resolve, reject) => {
            const req = http.request({ host: '127.0.0.1', port: gw.port, path: '/sized', method, agent, headers: { authorization: `Bearer ${s.access}` } }, (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (body += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, length: res.headers['content-length'], body, reused: req.reusedSocket }));
            });
            req.on('error', reject);
            req.end();
          }),
        );
      }
      const length = String(SIZED.length);
      expect(answers).toEqual([
        { status: 200, length, body: SIZED, reused: false },
        { status: 200, length, body: SIZED, reused: true },
        { status: 200, length, body: '', reused: true },
      ]);
    } finally {
      agent.destroy();
    }
  });

  it('a body of known length in two pieces is streamed: the first reaches the client before the upstream sends the second', async () => {
    let seen!: () => void;
    firstHalfSeen = new Promise((resolve) => (seen = resolve));
    const body = new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: gw.port, path: '/sized-split', agent: false, headers: { authorization: `Bearer ${s.access}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          if (text === 'first;') seen();
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    const timeout = new Promise<'held back'>((resolve) => setTimeout(() => resolve('held back'), 3000).unref());
    await expect(Promise.race([body, timeout])).resolves.toBe('first;second');
  });

  it('afterwards the gateway still proxies normally', async () => {
    const r = await get('/pieces');
    expect(r.status).toBe(200);
  });
});
