import type { Metric, Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** One printed sample, in the shape prom-client's `Registry` reads from a metric's `get()`. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A counter or histogram of the request path, registered in a prom-client `Registry` and
 * printed by it like prom-client's own, but bound once per label set: the caller keeps the
 * child for a label set and updates plain numbers. prom-client's `labels(...).inc()` and
 * `.observe()` hash their labels on every call, which a proxied request paid three times.
 */
abstract class BoundSeries<Child> {
  readonly aggregator = 'sum';
  private readonly children = new Map<string, { labels: Labels; child: Child }>();

  protected constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child of one label set, made on first use; keep it, and the hot path never looks labels up. */
  child(labels: Labels): Child {
    const key = this.labelNames.map((n) => labels[n] ?? '').join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) own[n] = labels[n] ?? '';
      entry = { labels: own, child: this.make() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  /** What prom-client's `Registry` prints. */
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    for (const { labels, child } of this.children.values()) this.samples(labels, child, values);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** `Registry.resetMetrics()`: every child back to zero (the children stay bound). */
  reset(): void {
    for (const { child } of this.children.values()) this.zero(child);
  }

  protected abstract make(): Child;
  protected abstract zero(child: Child): void;
  protected abstract samples(labels: Labels, child: Child, into: Sample[]): void;
}

export interface CounterChild {
  value: number;
  inc(by?: number): void;
}

export class BoundCounter extends BoundSeries<CounterChild> {
  constructor(o: { name: string; help: string; labelNames: readonly string[]; registry: Registry }) {
    super(o.name, o.help, 'counter', o.labelNames, o.registry);
  }

  protected make(): CounterChild {
    return {
      value: 0,
      inc(by = 1) {
        this.value += by;
      },
    };
  }

  protected zero(child: CounterChild): void {
    child.value = 0;
  }

  protected samples(labels: Labels, child: CounterChild, into: Sample[]): void {
    into.push({ labels: { ...labels }, value: child.value });
  }
}

export interface HistogramChild {
  observe(value: number): void;
}

class Buckets implements HistogramChild {
  /** Observations per bucket, not cumulative; the last slot is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

export class BoundHistogram extends BoundSeries<HistogramChild> {
  private readonly bounds: readonly number[];

  constructor(o: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[]; registry: Registry }) {
    super(o.name, o.help, 'histogram', o.labelNames, o.registry);
    this.bounds = [...o.buckets].sort((a, b) => a - b);
  }

  protected make(): HistogramChild {
    return new Buckets(this.bounds);
  }

  protected zero(child: HistogramChild): void {
    const b = child as Buckets;
    b.counts.fill(0);
    b.sum = 0;
    b.count = 0;
  }

  /** As prom-client prints a histogram: cumulative `_bucket` lines (`le` first), `+Inf`, `_sum`, `_count`. */
  protected samples(labels: Labels, child: HistogramChild, into: Sample[]): void {
    const b = child as Buckets;
    const bucket = `${this.name}_bucket`;
    let acc = 0;
    this.bounds.forEach((bound, i) => {
      acc += b.counts[i] as number;
      into.push({ labels: { le: bound, ...labels }, value: acc, metricName: bucket });
    });
    into.push({ labels: { le: '+Inf', ...labels }, value: b.count, metricName: bucket });
    into.push({ labels: { ...labels }, value: b.sum, metricName: `${this.name}_sum` });
    into.push({ labels: { ...labels }, value: b.count, metricName: `${this.name}_count` });
  }
}
