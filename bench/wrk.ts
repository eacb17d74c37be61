import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const wrkAvailable = (binary: string): boolean => existsSync(binary);

export interface WrkRun {
  url: string;
  connections: number;
  seconds: number;
  /** One header set per request, taken in turn (every connection cycles through all of them). */
  headerSets: Record<string, string>[];
}

export interface WrkResult {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx answers, connection errors and timeouts. */
  errors: number;
}

const luaString = (s: string): string => JSON.stringify(s);

/**
 * The script: the requests are formatted once, `request()` hands them out in turn, and
 * `done()` prints one JSON line (wrk's own report is for people).
 */
function script(path: string, headerSets: Record<string, string>[]): string {
  const requests = headerSets.map(
    (h) => `wrk.format("GET", ${luaString(path)}, {${Object.entries(h).map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`).join(', ')}})`,
  );
  return `local requests = {}
local n = 0
function init(args)
  requests = { ${requests.join(',\n    ')} }
end
function request()
  n = n % #requests + 1
  return requests[n]
end
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"us":%d,"p50":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;
}

/**
 * One wrk run (one thread): a C load generator that spends a fraction of autocannon's CPU
 * a request, so that on a machine whose cores the server shares with its load, more of them
 * are left to the server (docs/performance.md, "Scaling with WORKERS").
 */
export async function runWrk(binary: string, run: WrkRun): Promise<WrkResult> {
  if (run.headerSets.length === 0) throw new Error('wrk: no header sets');
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-wrk-'));
  try {
    const url = new URL(run.url);
    const file = join(dir, 'load.lua');
    writeFileSync(file, script(url.pathname + url.search, run.headerSets));
    const args = ['-t1', `-c${run.connections}`, `-d${run.seconds}s`, '--timeout', '30s', '-s', file, `${url.origin}/`];
    const out = await new Promise<string>((resolve, reject) =>
      execFile(binary, args, { encoding: 'utf8', timeout: (run.seconds + 60) * 1000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`wrk failed: ${err.message} ${stderr.trim()}`)) : resolve(stdout),
      ),
    );
    const line = /WRK_RESULT (\{.*\})/.exec(out)?.[1];
    if (!line) throw new Error(`wrk printed no result: ${out.slice(-500)}`);
    const r = JSON.parse(line) as { requests: number; us: number; p50: number; p99: number; errors: number };
    return { requests: r.requests, seconds: r.us / 1e6, p50Ms: r.p50 / 1000, p99Ms: r.p99 / 1000, errors: r.errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
