import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

export interface AnsweredRequest {
  /** `auth` for tokengate's own paths, `proxy` for the rest. */
  group: 'auth' | 'proxy';
  /** Proxied and forward-auth requests: their successful lines are `debug`. */
  hot: boolean;
  requestId: string;
  method: string | undefined;
  path: string;
  status: number;
  /** Since the request arrived. */
  ms: number;
}

/**
 * The one place an answered request is counted (`/metrics`) and logged, for the Koa
 * application and the hot path alike. Successful hot requests log at `debug`, so their line
 * costs nothing at the default level; everything else at `info`.
 */
export function recordRequest(logger: Logger, metrics: GatewayMetrics, r: AnsweredRequest): void {
  metrics.request(r.group, r.status, r.ms / 1000);
  const level = r.hot && r.status < 400 ? 'debug' : 'info';
  if (logger.isLevelEnabled(level)) {
    logger[level]({ requestId: r.requestId, method: r.method, path: r.path, status: r.status, ms: Math.round(r.ms) }, 'request');
  }
}
