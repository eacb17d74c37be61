import http from 'node:http';
import { Pool } from 'undici';

/**
 * The proxy baseline: a reverse proxy with no authentication at all, built as
 * `../shared/anchors/peers/bare-undici.js` is (the fastest Node proxy we know how to write, the
 * anchor every published ratio must not undercut): `node:http`, one undici `Pool` per upstream
 * (keep-alive), the pool's callback `request()` (no promise, no `new URL`, no
 * `stream.pipeline`), hop-by-hop headers filtered in one loop each way, one `writeHead`, and
 * `body.pipe(res)`.
 */
const upstream = process.env.UPSTREAM_URL ?? 'http://127.0.0.1:9';
const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

type Headers = Record<string, string | string[] | undefined>;

function forwardable(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = http.createServer((req, res) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  pool.request(
    { method: req.method as 'GET', path: req.url ?? '/', headers: forwardable(req.headers), body: hasBody ? req : null },
    (err, data) => {
      if (err) {
        res.statusCode = 502;
        res.end();
        return;
      }
      res.writeHead(data.statusCode, forwardable(data.headers));
      data.body.pipe(res);
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
