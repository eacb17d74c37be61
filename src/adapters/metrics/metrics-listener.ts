import type { RequestListener } from 'node:http';

interface MetricsSource {
  text(): Promise<string>;
  readonly contentType: string;
}

const json = (status: number, error: string, description: string, extra: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra },
  body: JSON.stringify({ error, error_description: description }),
});

/**
 * The request listener of the `METRICS_PORT` server: `GET`/`HEAD /metrics` and nothing else
 * (404 `not_found` elsewhere, 405 with `Allow` for other methods). No auth: the listener is
 * meant for loopback or a private interface, which is what `METRICS_HOST` defaults to.
 */
export function metricsListener(metrics: MetricsSource): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (a: { status: number; headers: Record<string, string>; body: string }) => {
      res.writeHead(a.status, a.headers);
      res.end(req.method === 'HEAD' ? undefined : a.body);
    };
    if (path !== '/metrics') return answer(json(404, 'not_found', 'only /metrics is served here'));
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(json(405, 'method_not_allowed', 'use GET, HEAD', { allow: 'GET, HEAD' }));
    metrics.text().then(
      (body) => answer({ status: 200, headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' }, body }),
      () => answer(json(500, 'internal_error', 'metrics could not be collected')),
    );
  };
}
