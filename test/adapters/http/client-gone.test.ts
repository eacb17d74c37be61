import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Context } from 'koa';
import pino from 'pino';
import { errorMiddleware } from '../../../src/adapters/http/error-middleware';
import { ClientGoneError, clientGoneSignal } from '../../../src/adapters/http/request-context';

/** A Koa app whose one route waits on {@link clientGoneSignal}; records what the outer middleware saw. */
function gateApp(lines: string[]) {
  const seen: { status?: number; aborted?: boolean; reason?: unknown } = {};
  let routeReached!: () => void;
  const reached = new Promise<void>((resolve) => (routeReached = resolve));
  const app = new Koa();
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  app.use(async (ctx, next) => {
    await next();
    seen.status = ctx.status;
  });
  app.use(errorMiddleware(logger));
  app.use(async (ctx: Context) => {
    const signal = clientGoneSignal(ctx);
    routeReached();
    if (ctx.path === '/answer') {
      ctx.body = { ok: true };
      ctx.res.once('close', () => {
        seen.aborted = signal.aborted;
      });
      return;
    }
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    seen.aborted = signal.aborted;
    seen.reason = signal.reason;
    throw signal.reason;
  });
  return { app, seen, reached };
}

describe('a client that leaves before its answer', () => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('aborts the request signal with ClientGoneError, and is counted as 499 without an error logged', async () => {
    const lines: string[] = [];
    const { app, seen, reached } = gateApp(lines);
    server = createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const req = request({ port, host: '127.0.0.1', path: '/wait', method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => {});
    req.end('{}');
    await reached;
    req.destroy();
    for (let i = 0; i < 100 && seen.status === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen.aborted).toBe(true);
    expect(seen.reason).toBeInstanceOf(ClientGoneError);
    expect(seen.status).toBe(499);
    expect(lines.join('')).not.toContain('unhandled error');
  });

  it('does not abort once the answer has been written', async () => {
    const { app, seen } = gateApp([]);
    server = createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: '/answer', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    for (let i = 0; i < 100 && seen.aborted === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen.aborted).toBe(false);
  });
});
