import type { Sample } from './measure';

/** Every run of one scenario against one target, with the same-round baseline runs. */
export interface Cell {
  scenario: string;
  scenarioLabel: string;
  target: string;
  targetLabel: string;
  isBaseline: boolean;
  samples: Sample[];
  /** The baseline's sample of the same round, index for index; empty without a baseline. */
  baselineSamples: Sample[];
}

export interface Row {
  scenario: string;
  target: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number | null;
  /** Median over rounds of (req/s ÷ the baseline's req/s in the same round). */
  rpsRatio: number | null;
  /** Median over rounds of (p99 ÷ the baseline's p99 in the same round). */
  p99Ratio: number | null;
  /** Median over rounds of (CPU per request ÷ the baseline's in the same round): steadier than req/s on a busy machine. */
  cpuRatio: number | null;
  loopP99Ms: number | null;
  rssMb: number | null;
  errors: number;
  note: string | null;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const medianOrNull = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? median(known) : null;
};

export function ratio(samples: Sample[], baseline: Sample[], pick: (s: Sample) => number | null): number | null {
  const ratios = roundRatios(samples, baseline, pick);
  return ratios.length ? median(ratios) : null;
}

/** The ratio of each round where both cells have the figure, in round order. */
export function roundRatios(samples: Sample[], baseline: Sample[], pick: (s: Sample) => number | null): number[] {
  return samples.flatMap((s, i) => {
    const mine = pick(s);
    const theirs = baseline[i] ? pick(baseline[i] as Sample) : null;
    return mine !== null && theirs !== null && theirs > 0 ? [mine / theirs] : [];
  });
}

export function summarize(cell: Cell): Row {
  const s = cell.samples;
  const notes = s.map((x) => x.note).filter((n): n is string => n !== null);
  return {
    scenario: cell.scenarioLabel,
    target: cell.targetLabel,
    rps: median(s.map((x) => x.rps)),
    p50Ms: median(s.map((x) => x.p50Ms)),
    p99Ms: median(s.map((x) => x.p99Ms)),
    cpuUsPerReq: medianOrNull(s.map((x) => x.cpuUsPerReq)),
    rpsRatio: cell.isBaseline ? null : ratio(s, cell.baselineSamples, (x) => x.rps),
    p99Ratio: cell.isBaseline ? null : ratio(s, cell.baselineSamples, (x) => x.p99Ms),
    cpuRatio: cell.isBaseline ? null : ratio(s, cell.baselineSamples, (x) => x.cpuUsPerReq),
    loopP99Ms: medianOrNull(s.map((x) => x.loopP99Ms)),
    rssMb: medianOrNull(s.map((x) => x.rssMb)),
    errors: s.reduce((sum, x) => sum + x.errors, 0),
    note: notes.length ? (notes[Math.floor(notes.length / 2)] as string) : null,
  };
}

const fixed = (v: number | null, digits: number, suffix = '') => (v === null ? '–' : v.toFixed(digits) + suffix);

const COLUMNS: [string, (r: Row) => string][] = [
  ['scenario', (r) => r.scenario],
  ['target', (r) => r.target],
  ['req/s', (r) => Math.round(r.rps).toString()],
  ['p50 ms', (r) => fixed(r.p50Ms, 2)],
  ['p99 ms', (r) => fixed(r.p99Ms, 2)],
  ['CPU µs/req', (r) => fixed(r.cpuUsPerReq, 0)],
  ['× bare req/s', (r) => fixed(r.rpsRatio, 2)],
  ['× bare p99', (r) => fixed(r.p99Ratio, 2)],
  ['× bare CPU', (r) => fixed(r.cpuRatio, 2)],
  ['loop p99 ms', (r) => fixed(r.loopP99Ms, 1)],
  ['RSS MB', (r) => fixed(r.rssMb, 0)],
  ['errors', (r) => String(r.errors)],
  ['note', (r) => r.note ?? ''],
];

/** The table as aligned text, one line per row (also valid Markdown). */
export function formatTable(rows: Row[]): string {
  const cells = rows.map((r) => COLUMNS.map(([, get]) => get(r)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => (i < 2 || i === values.length - 1 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 || i === widths.length - 1 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(COLUMNS.map(([title]) => title)), rule, ...cells.map(line)].join('\n');
}
