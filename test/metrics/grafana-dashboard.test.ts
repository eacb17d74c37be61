import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GatewayMetrics } from '../../src/adapters/metrics/gateway-metrics';

const doc = readFileSync(resolve(__dirname, '../../docs/operations.md'), 'utf8');

/** The fenced block of `lang` that follows `heading` in docs/operations.md. */
function blockAfter(heading: string, lang: string): string {
  const from = doc.indexOf(heading);
  expect(from).toBeGreaterThanOrEqual(0);
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(doc.slice(from));
  if (!match?.[1]) throw new Error(`no ${lang} block after ${heading}`);
  return match[1];
}

interface Panel {
  title: string;
  targets: { expr: string }[];
}

describe('the Grafana dashboard in docs/operations.md', () => {
  const dashboard = JSON.parse(blockAfter('### Grafana', 'json')) as { panels: Panel[] };

  it('has the panels the issue asks for', () => {
    const titles = dashboard.panels.map((p) => p.title).join('\n');
    for (const topic of [/Decision-table outcomes/, /Logins/, /status class/, /latency/, /Revocations/]) expect(titles).toMatch(topic);
  });

  it('queries only series that tokengate exports', async () => {
    const metrics = new GatewayMetrics(false);
    // Labelled series appear once they have a sample.
    metrics.upstreamAnswered('/', 200, 0.01);
    metrics.request('proxy', 200, 0.01);
    const exported = new Set(
      (await metrics.text())
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => /^[a-z_]+/.exec(l)?.[0]),
    );
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/tokengate_[a-z_]+/g) ?? []));
    expect(used.length).toBeGreaterThanOrEqual(6);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('the Prometheus example scrapes the metrics listener', () => {
    expect(blockAfter('### Prometheus', 'yaml')).toMatch(/metrics_path: \/metrics[\s\S]*targets: \['[\d.]+:9464'/);
  });
});
