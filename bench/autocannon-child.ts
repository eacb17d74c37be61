import { createInterface } from 'node:readline';
import { autocannonOptions, driveAutocannon, type LoadSpec } from './autocannon-load';

/**
 * The load generator of one measurement, in a process of its own (started by measure.ts): a
 * fresh autocannon whose JIT and heap carry nothing from the servers it drove before, and
 * that shares no event loop with the orchestrator's session pools and side loads.
 *
 * stdin: one JSON line `{ url, connections, phases: [{ seconds, spec }] }`, then one `go`
 * line per phase. stdout: `ready <i>` when phase i can start, `result <i> <json>` when it ends.
 * The orchestrator answers `go` once it has read the server's CPU clock, so the measured
 * window is the phase's own.
 */
interface Job {
  url: string;
  connections: number;
  phases: { seconds: number; spec: LoadSpec }[];
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const read = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new Error('stdin closed');
    return next.value as string;
  };
  const job = JSON.parse(await read()) as Job;
  for (const [i, phase] of job.phases.entries()) {
    process.stdout.write(`ready ${i}\n`);
    if ((await read()).trim() !== 'go') throw new Error(`expected "go" before phase ${i}`);
    const driven = await driveAutocannon(autocannonOptions(phase.spec, { url: job.url, connections: job.connections, seconds: phase.seconds }));
    process.stdout.write(`result ${i} ${JSON.stringify(driven)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`autocannon-child: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
