import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';

/**
 * The baseline: a plain Node reverse proxy on undici with no authentication, built the
 * way a careful hand-written proxy is (pooled keep-alive upstream connections, streamed
 * bodies, hop-by-hop headers dropped, X-Forwarded-* added).
 */
const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:9');
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function forwardable(headers: http.IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = http.createServer(async (req, res) => {
  const headers = forwardable(req.headers);
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-host'] = req.headers.host ?? '';
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  try {
    const answer = await request(new URL(req.url ?? '/', upstream), {
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? req : null,
      dispatcher,
    });
    res.writeHead(answer.statusCode, forwardable(answer.headers));
    await pipeline(answer.body, res);
  } catch {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
