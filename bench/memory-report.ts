import type { ProbeReading } from './probe';
import type { ProcMemory } from './proc-memory';
import type { SmapsBreakdown } from './smaps-breakdown';

/** One reading of the measured tokengate, taken while it is idle between two loads. */
export interface MemoryReading {
  checkpoint: string;
  /** Proxied requests answered so far. */
  requests: number;
  probe: ProbeReading | null;
  proc: ProcMemory | null;
  smaps: SmapsBreakdown | null;
  /** The load that led to this reading (null for the start and the logins). */
  load: { requests: number; rps: number; p99Ms: number; errors: number } | null;
}

/** The issue's targets: RSS after all requests within 10 % of RSS at the checkpoint, and under 150 MB. */
export const GROWTH_LIMIT = 1.1;
export const RSS_LIMIT_MB = 150;

export interface MemoryVerdict {
  referenceRequests: number;
  referenceRssMb: number;
  finalRequests: number;
  finalRssMb: number;
  growth: number;
  growthMet: boolean;
  rssMet: boolean;
  /** RSS over every checkpoint reading: one reading can land before or after a major GC. */
  checkpointRssMb: { min: number; median: number; max: number };
}

const rssOf = (r: MemoryReading) => r.probe?.rssMb ?? r.proc?.rssMb ?? NaN;

/** Compares the reading at the first checkpoint with the last one; `loaded` are all the checkpoint readings. */
export function judge(loaded: MemoryReading[]): MemoryVerdict {
  const reference = loaded[0] as MemoryReading;
  const final = loaded[loaded.length - 1] as MemoryReading;
  const growth = rssOf(final) / rssOf(reference);
  const sorted = loaded.map(rssOf).sort((a, b) => a - b);
  return {
    referenceRequests: reference.requests,
    referenceRssMb: rssOf(reference),
    finalRequests: final.requests,
    finalRssMb: rssOf(final),
    growth,
    growthMet: growth <= GROWTH_LIMIT,
    rssMet: rssOf(final) < RSS_LIMIT_MB,
    checkpointRssMb: { min: sorted[0] as number, median: sorted[Math.floor(sorted.length / 2)] as number, max: sorted[sorted.length - 1] as number },
  };
}

const count = (n: number) => n.toLocaleString('en-US');
const mb = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));

const COLUMNS: [string, (r: MemoryReading) => string][] = [
  ['checkpoint', (r) => r.checkpoint],
  ['requests', (r) => count(r.requests)],
  ['RSS MB', (r) => mb(rssOf(r))],
  ['heap used MB', (r) => mb(r.probe?.heapUsedMb)],
  ['heap total MB', (r) => mb(r.probe?.heapTotalMb)],
  ['external MB', (r) => mb(r.probe?.externalMb)],
  ['malloc MB', (r) => mb(r.smaps ? r.smaps.mainArenaMb + r.smaps.otherArenasMb : undefined)],
  ['arena heaps', (r) => (r.smaps ? String(r.smaps.arenaHeaps) : '–')],
  ['other anon MB', (r) => mb(r.smaps?.otherAnonMb)],
  ['file MB', (r) => mb(r.smaps?.fileMb ?? r.proc?.fileMb)],
  ['peak RSS MB', (r) => mb(r.proc?.peakMb)],
  ['req/s', (r) => (r.load ? String(Math.round(r.load.rps)) : '')],
  ['p99 ms', (r) => (r.load ? r.load.p99Ms.toFixed(0) : '')],
  ['errors', (r) => (r.load ? String(r.load.errors) : '')],
];

/** The readings as an aligned Markdown table. */
export function formatMemoryTable(readings: MemoryReading[]): string {
  const cells = readings.map((r) => COLUMNS.map(([, get]) => get(r)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(COLUMNS.map(([title]) => title)), rule, ...cells.map(line)].join('\n');
}

/** The verdict line (the growth and the final RSS, each against its target), then the spread over the checkpoints. */
export function formatVerdict(v: MemoryVerdict): string {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const spread = v.checkpointRssMb;
  return (
    `memory: RSS(${count(v.finalRequests)}) / RSS(${count(v.referenceRequests)}) = ${v.finalRssMb.toFixed(1)} / ${v.referenceRssMb.toFixed(1)} MB = ${v.growth.toFixed(3)} ` +
    `(target ≤ ${GROWTH_LIMIT.toFixed(2)}: ${met(v.growthMet)}); RSS(${count(v.finalRequests)}) = ${v.finalRssMb.toFixed(1)} MB (target < ${RSS_LIMIT_MB} MB: ${met(v.rssMet)})\n` +
    `RSS over the checkpoints: min ${spread.min.toFixed(1)}, median ${spread.median.toFixed(1)}, max ${spread.max.toFixed(1)} MB`
  );
}
