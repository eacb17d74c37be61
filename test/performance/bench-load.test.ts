import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { autocannonOptions, driveAutocannon } from '../../bench/autocannon-load';

/**
 * The bench's load descriptions (bench/autocannon-load.ts), driven by autocannon against a real
 * loopback server: what each connection sends, and a refresh chain where each request must
 * spend the token the previous answer handed out.
 */
describe('bench loads driven from a description', () => {
  let server: http.Server;
  let base = '';
  let url: string;
  let run = 0;
  /** Each test drives a path of its own: a request a previous run left in flight is answered 404 and not seen. */
  let path = '';
  /** Refresh tokens already spent; one presented again is a reuse. */
  const spent = new Set<string>();
  const seen: { path?: string; auth?: string; token?: string; method?: string; body: string; type?: string }[] = [];
  let reuses = 0;
  let counter = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const token = req.headers['x-refresh-token'] as string | undefined;
        if (req.url !== path) return void res.writeHead(404).end();
        seen.push({ path: req.url, auth: req.headers.authorization, token, method: req.method, body, type: req.headers['content-type'] });
        if (token !== undefined) {
          if (spent.has(token)) {
            reuses++;
            res.writeHead(401).end();
            return;
          }
          spent.add(token);
          res.writeHead(200, { 'X-Refresh-Token': `${token.split('#')[0]}#${++counter}` }).end('{}');
          return;
        }
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    path = `/api/items/${++run}`;
    url = base + path;
    seen.length = 0;
    spent.clear();
    reuses = 0;
  });

  it('gives each connection its own header set on top of the common headers', async () => {
    const perConnection = [{ authorization: 'Bearer a' }, { authorization: 'Bearer b' }, { authorization: 'Bearer c' }];
    const r = await driveAutocannon(autocannonOptions({ perConnection }, { url, connections: 3, seconds: 1 }));
    expect(r.requests).toBeGreaterThan(30);
    expect(r.errors).toBe(0);
    expect(r.p99Ms).toBeGreaterThan(0);
    const auths = new Set(seen.map((s) => s.auth));
    expect([...auths].sort()).toEqual(['Bearer a', 'Bearer b', 'Bearer c']);
    expect(seen.every((s) => s.method === 'GET')).toBe(true);
  });

  it('sends the method, body and headers it is given', async () => {
    const body = JSON.stringify({ username: 'bench', password: 'x' });
    const r = await driveAutocannon(autocannonOptions({ method: 'POST', headers: { 'content-type': 'application/json' }, body }, { url, connections: 2, seconds: 1 }));
    expect(r.errors).toBe(0);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((s) => !(s.method === 'POST' && s.body === body && s.type === 'application/json'))).toEqual([]);
  });

  it('follows a chain: every request spends the token the previous answer gave its connection, none twice', async () => {
    const perConnection = ['t1', 't2'].map((t) => ({ 'x-refresh-token': t }));
    const r = await driveAutocannon(autocannonOptions({ method: 'POST', perConnection, chain: 'x-refresh-token' }, { url, connections: 2, seconds: 1 }));
    expect(r.requests).toBeGreaterThan(20);
    expect(reuses).toBe(0);
    expect(r.errors).toBe(0);
    // Both chains advanced past their first token.
    for (const root of ['t1', 't2']) expect(seen.filter((s) => s.token?.startsWith(`${root}#`)).length).toBeGreaterThan(5);
  });

  it('without the chain, the same token is sent again (the server above sees reuses)', async () => {
    const r = await driveAutocannon(autocannonOptions({ method: 'POST', perConnection: [{ 'x-refresh-token': 'only' }] }, { url, connections: 1, seconds: 1 }));
    expect(reuses).toBeGreaterThan(10);
    // Every answer but the first was a 401 (the last may still be in flight when the run stops).
    expect(r.errors).toBeGreaterThanOrEqual(reuses - 1);
    expect(r.errors).toBeLessThanOrEqual(reuses);
  });
});
