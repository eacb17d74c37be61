import { Counter, Histogram, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram } from '../../../src/adapters/metrics/bound-series';

/**
 * The bound series must print exactly what prom-client's own Counter and Histogram print for
 * the same updates: dashboards and alerts read these lines.
 */

const BUCKETS = [0.001, 0.005, 0.01, 0.1, 1];
const OBSERVED = [0, 0.0005, 0.001, 0.0011, 0.004, 0.005, 0.02, 0.5, 1, 7, 0.0999];

function pair(): { ours: Registry; theirs: Registry } {
  return { ours: new Registry(), theirs: new Registry() };
}

describe('BoundHistogram', () => {
  it('prints what a prom-client Histogram prints for the same observations, label sets in first-use order', async () => {
    const { ours, theirs } = pair();
    const mine = new BoundHistogram({ name: 'h_seconds', help: 'help text', labelNames: ['group', 'status'], buckets: BUCKETS, registry: ours });
    const ref = new Histogram({ name: 'h_seconds', help: 'help text', labelNames: ['group', 'status'], buckets: BUCKETS, registers: [theirs] });
    const a = mine.child({ group: 'proxy', status: '2xx' });
    const b = mine.child({ group: 'auth', status: '4xx' });
    OBSERVED.forEach((v, i) => {
      (i % 3 === 0 ? b : a).observe(v);
      ref.observe(i % 3 === 0 ? { group: 'auth', status: '4xx' } : { group: 'proxy', status: '2xx' }, v);
    });
    // prom-client orders label sets by first observation; the first observation above went to `auth`.
    const theirText = await theirs.metrics();
    const ourText = await ours.metrics();
    const sorted = (t: string) => t.split('\n').sort();
    expect(sorted(ourText)).toEqual(sorted(theirText));
    expect(ourText).toContain('h_seconds_bucket{le="0.001",group="proxy",status="2xx"} 2');
    expect(ourText).toContain('h_seconds_count{group="auth",status="4xx"} 4');
  });

  it('the same label set gives the same child; a child from a label object in another key order too', () => {
    const mine = new BoundHistogram({ name: 'x_seconds', help: 'h', labelNames: ['a', 'b'], buckets: BUCKETS, registry: new Registry() });
    expect(mine.child({ a: '1', b: '2' })).toBe(mine.child({ b: '2', a: '1' }));
    expect(mine.child({ a: '1', b: '2' })).not.toBe(mine.child({ a: '1', b: '3' }));
  });

  it('resetMetrics zeroes every child, which stays bound', async () => {
    const registry = new Registry();
    const mine = new BoundHistogram({ name: 'r_seconds', help: 'h', labelNames: ['route'], buckets: BUCKETS, registry });
    const child = mine.child({ route: '/' });
    child.observe(0.002);
    registry.resetMetrics();
    child.observe(0.5);
    const text = await registry.metrics();
    expect(text).toContain('r_seconds_count{route="/"} 1');
    expect(text).toContain('r_seconds_bucket{le="0.005",route="/"} 0');
    expect(text).toContain('r_seconds_sum{route="/"} 0.5');
  });
});

describe('BoundCounter', () => {
  it('prints what a prom-client Counter prints for the same increments', async () => {
    const { ours, theirs } = pair();
    const mine = new BoundCounter({ name: 'c_total', help: 'counted', labelNames: ['route', 'code'], registry: ours });
    const ref = new Counter({ name: 'c_total', help: 'counted', labelNames: ['route', 'code'], registers: [theirs] });
    const ok = mine.child({ route: '/', code: '200' });
    const bad = mine.child({ route: '/api', code: '502' });
    ok.inc();
    ok.inc(2);
    bad.inc();
    ref.inc({ route: '/', code: '200' });
    ref.inc({ route: '/', code: '200' }, 2);
    ref.inc({ route: '/api', code: '502' });
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('a second metric of the same name in one registry is refused, as prom-client refuses it', () => {
    const registry = new Registry();
    new BoundCounter({ name: 'dup_total', help: 'h', labelNames: [], registry });
    expect(() => new Counter({ name: 'dup_total', help: 'h', registers: [registry] })).toThrow(/already been registered/);
  });
});
