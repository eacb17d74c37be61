import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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

/** Prometheus metrics of one process, on their own registry. */
export class GatewayMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly gate = new Counter({ name: 'tokengate_gate_outcomes_total', help: 'Decision-table outcomes', labelNames: ['outcome'], registers: [this.registry] });
  private readonly logins = new Counter({ name: 'tokengate_logins_total', help: 'Login attempts by result', labelNames: ['result'], registers: [this.registry] });
  private readonly proxied = new Counter({
    name: 'tokengate_proxy_responses_total',
    help: 'Proxied responses by route prefix, status code and status class',
    labelNames: ['route', 'code', 'class'],
    registers: [this.registry],
  });
  private readonly proxyLatency = new Histogram({
    name: 'tokengate_proxy_duration_seconds',
    help: 'Time from request to upstream response headers',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly requests = new Histogram({
    name: 'tokengate_http_request_duration_seconds',
    help: 'Time to answer a request, by route group and status class',
    labelNames: ['group', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  // Label children bound once per label set: a per-request label lookup hashes its labels every time.
  private readonly upstreamChildren = new Map<string, { count: { inc(): void }; latency: { observe(v: number): void } }>();
  private readonly requestChildren = new Map<string, { observe(v: number): void }>();

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'tokengate_' });
    for (const outcome of ['pass', 'access_reissued', 'refresh_reissued', 'login_required', 'invalid', 'revoked', 'reused', 'grace_hit']) this.gate.inc({ outcome }, 0);
    for (const result of ['success', 'failure', 'throttled']) this.logins.inc({ result }, 0);
  }

  gateOutcome(outcome: GateOutcome, graceHit: boolean): void {
    const label = PASSES[outcome] ?? REJECTIONS[outcome as ErrorCode];
    if (label) this.gate.inc({ outcome: label });
    if (graceHit) this.gate.inc({ outcome: 'grace_hit' });
  }

  loginResult(result: 'success' | 'failure' | 'throttled'): void {
    this.logins.inc({ result });
  }

  upstreamAnswered(route: string, status: number, seconds: number): void {
    const key = `${route}\u0000${status}`;
    let children = this.upstreamChildren.get(key);
    if (!children) {
      children = {
        count: this.proxied.labels({ route, code: String(status), class: `${Math.floor(status / 100)}xx` }),
        latency: this.proxyLatency.labels({ route }),
      };
      this.upstreamChildren.set(key, children);
    }
    children.count.inc();
    children.latency.observe(seconds);
  }

  request(group: string, status: number, seconds: number): void {
    const key = `${group}\u0000${Math.floor(status / 100)}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = this.requests.labels({ group, status: `${Math.floor(status / 100)}xx` });
      this.requestChildren.set(key, child);
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
