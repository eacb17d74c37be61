import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';

/**
 * A load autocannon can drive from a description alone (no callbacks into the orchestrator),
 * so that it can run in a process of its own: `autocannon-child.ts`.
 */
export interface LoadSpec {
  method?: 'GET' | 'POST';
  /** Sent with every request. */
  headers?: Record<string, string>;
  body?: string;
  /** Connection i sends `perConnection[i % length]` on top of `headers` (one session each, as real clients have). */
  perConnection?: Record<string, string>[];
  /**
   * A header whose value each 200 answer replaces, per connection: a refresh-token chain, where
   * every request spends the token the previous answer handed out.
   */
  chain?: string;
}

/** What one autocannon run measured. */
export interface Driven {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, connection errors and timeouts. */
  errors: number;
}

export interface DriveOptions {
  url: string;
  connections: number;
  seconds: number;
}

/**
 * The 2xx latencies of an autocannon run, recorded in microseconds. autocannon's own histogram
 * keeps whole milliseconds, so on a proxy answering in 2–5 ms its p99 moves in steps of 20–25 %
 * (4 → 5 ms reads 1.25×) and a p99 ratio says more about rounding than about the server. The
 * same responses, the same 2xx filter, recorded with three significant digits instead.
 */
export function microsecondLatencies(instance: autocannon.Instance): { percentileMs(p: number): number | null } {
  const histogram = createHistogram();
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) histogram.record(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  return { percentileMs: (p) => (histogram.count === 0 ? null : histogram.percentile(p) / 1000) };
}

/** Runs autocannon with `options` until it is done; latencies to the microsecond. */
export async function driveAutocannon(options: autocannon.Options): Promise<Driven> {
  const instance = autocannon({ timeout: 30, ...options });
  const latency = microsecondLatencies(instance);
  const r = await instance;
  return { requests: r.requests.total, seconds: r.duration, p50Ms: latency.percentileMs(50) ?? r.latency.p50, p99Ms: latency.percentileMs(99) ?? r.latency.p99, errors: r.non2xx + r.errors + r.timeouts };
}

/** A header's value from autocannon's response headers (names as sent, any case). */
export function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** autocannon's options for `spec`: each connection its own header set, chains followed. */
export function autocannonOptions(spec: LoadSpec, run: DriveOptions): autocannon.Options {
  const url = new URL(run.url);
  const path = url.pathname + url.search;
  const base = { url: run.url, connections: run.connections, duration: run.seconds };
  const own = (spec.perConnection ?? [{}]).map((h) => ({ ...spec.headers, ...h }));
  let next = 0;
  return {
    ...base,
    setupClient: (client) => {
      const headers = own[next++ % own.length] as Record<string, string>;
      const { chain } = spec;
      client.setRequests([
        {
          method: spec.method ?? 'GET',
          path,
          ...(spec.body === undefined ? {} : { body: spec.body }),
          headers,
          ...(chain === undefined
            ? {}
            : {
                setupRequest: (req: autocannon.Request) => ((req.headers = { ...headers }), req),
                onResponse: (status: number, _body: string, _ctx: autocannon.Context, answer: Record<string, string | string[]>) => {
                  const value = header(answer, chain);
                  if (status === 200 && value) headers[chain] = value;
                },
              }),
        },
      ]);
    },
  };
}
