import { readProcFile } from './proc-file';

/** A process's memory as the Linux kernel counts it (`/proc/<pid>/status`), MiB. */
export interface ProcMemory {
  rssMb: number;
  /** Anonymous pages: the JS heap, malloc arenas, thread stacks. */
  anonMb: number;
  /** Mapped files: the node binary, shared libraries, native addons. */
  fileMb: number;
  shmemMb: number;
  /** The highest RSS since the process started. */
  peakMb: number;
  threads: number;
}

/** Reads `/proc/<pid>/status`; null off Linux or once the process is gone. */
export function readProcMemory(pid: number): ProcMemory | null {
  const text = readProcFile(`/proc/${pid}/status`);
  if (text === null) return null;
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : NaN;
  };
  const mb = (name: string) => field(name) / 1024;
  return { rssMb: mb('VmRSS'), anonMb: mb('RssAnon'), fileMb: mb('RssFile'), shmemMb: mb('RssShmem'), peakMb: mb('VmHWM'), threads: field('Threads') };
}
