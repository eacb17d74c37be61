import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { BoundCounter, BoundHistogram, type CounterChild, type HistogramChild } from './bound-series';
import type { ErrorCode } from '../../domain/errors';
import type { GateOutcome, Metrics } from '../../domain/ports/metrics';

/** Decision-table outcomes as SPEC §4 `/metrics` names them. */
export type GateOutcomeLabel =
  | 'pass' | 'access_reissued' | 'refresh_reissued' | 'login_required' | 'invalid' | 'revoked' | 'reused' | 'grace_hit';

const PASSES: Partial<Record<GateOutcome, GateOutcomeLabel>> = {
  pass: 'pass',
  reissue_access: 'access_reissued',
  reissue_refresh: 'refresh_reissued',
};

const REJECTIONS: Partial<Record<ErrorCode, GateOutcomeLabel>> = {
  login_required: 'login_required',
  invalid_token: 'invalid',
  token_revoked: 'revoked',
  token_reused: 'reused',
};

/** The children of one proxied route: its response counter per status code, and its latency. */
interface RouteSeries {
  codes: Map<number, CounterChild>;
  latency: HistogramChild;
}

/**
 * Prometheus metrics of one process, on their own registry. The series a proxied or
 * forward-auth request updates are {@link BoundCounter}s and {@link BoundHistogram}s whose
 * children are found by route and number, never by hashing label objects.
 */
export class GatewayMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly gate = new BoundCounter({ name: 'tokengate_gate_outcomes_total', help: 'Decision-table outcomes', labelNames: ['outcome'], registry: this.registry });
  private readonly gateChildren = new Map<GateOutcomeLabel, CounterChild>();
  private readonly logins = new Counter({ name: 'tokengate_logins_total', help: 'Login attempts by result', labelNames: ['result'], registers: [this.registry] });
  private readonly proxied = new BoundCounter({
    name: 'tokengate_proxy_responses_total',
    help: 'Proxied responses by route prefix, status code and status class',
    labelNames: ['route', 'code', 'class'],
    registry: this.registry,
  });
  private readonly proxyLatency = new BoundHistogram({
    name: 'tokengate_proxy_duration_seconds',
    help: 'Time from request to upstream response headers',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registry: this.registry,
  });
  private readonly requests = new BoundHistogram({
    name: 'tokengate_http_request_duration_seconds',
    help: 'Time to answer a request, by route group and status class',
    labelNames: ['group', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registry: this.registry,
  });

  private readonly routes = new Map<string, RouteSeries>();
  /** By group, then by status class (index 1–5). */
  private readonly requestChildren = new Map<string, HistogramChild[]>();

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'tokengate_' });
    for (const outcome of ['pass', 'access_reissued', 'refresh_reissued', 'login_required', 'invalid', 'revoked', 'reused', 'grace_hit'] as const) {
      this.gateChildren.set(outcome, this.gate.child({ outcome }));
    }
    for (const result of ['success', 'failure', 'throttled']) this.logins.inc({ result }, 0);
  }

  gateOutcome(outcome: GateOutcome, graceHit: boolean): void {
    const label = PASSES[outcome] ?? REJECTIONS[outcome as ErrorCode];
    if (label) this.gateChildren.get(label)!.inc();
    if (graceHit) this.gateChildren.get('grace_hit')!.inc();
  }

  loginResult(result: 'success' | 'failure' | 'throttled'): void {
    this.logins.inc({ result });
  }

  upstreamAnswered(route: string, status: number, seconds: number): void {
    let series = this.routes.get(route);
    if (!series) {
      series = { codes: new Map(), latency: this.proxyLatency.child({ route }) };
      this.routes.set(route, series);
    }
    let count = series.codes.get(status);
    if (!count) {
      count = this.proxied.child({ route, code: String(status), class: `${Math.floor(status / 100)}xx` });
      series.codes.set(status, count);
    }
    count.inc();
    series.latency.observe(seconds);
  }

  request(group: string, status: number, seconds: number): void {
    let byClass = this.requestChildren.get(group);
    if (!byClass) {
      byClass = [];
      this.requestChildren.set(group, byClass);
    }
    const cls = Math.floor(status / 100);
    let child = byClass[cls];
    if (!child) {
      child = this.requests.child({ group, status: `${cls}xx` });
      byClass[cls] = child;
    }
    child.observe(seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
