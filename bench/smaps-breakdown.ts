import { readProcFile } from './proc-file';

/**
 * A process's resident memory by kind of mapping (`/proc/<pid>/smaps`), MiB. glibc's malloc
 * keeps its main arena in `[heap]` and every other arena (created for threads that allocate at
 * the same time, up to 8 × cores unless `MALLOC_ARENA_MAX`) in 64 MiB-aligned anonymous
 * reservations. V8 maps its heap pages itself, so they count in `otherAnonMb`, with thread
 * stacks, blocks malloc maps on their own (above its mmap threshold) and any other allocator's
 * memory (jemalloc through `LD_PRELOAD`).
 */
export interface SmapsBreakdown {
  mainArenaMb: number;
  otherArenasMb: number;
  /** 64 MiB reservations of the other arenas holding resident pages (an arena may chain several). */
  arenaHeaps: number;
  otherAnonMb: number;
  fileMb: number;
}

const ARENA_ALIGN = 64 * 2 ** 20;

/** Null off Linux or once the process is gone. */
export function readSmapsBreakdown(pid: number): SmapsBreakdown | null {
  const text = readProcFile(`/proc/${pid}/smaps`);
  if (text === null) return null;
  const out: SmapsBreakdown = { mainArenaMb: 0, otherArenasMb: 0, arenaHeaps: 0, otherAnonMb: 0, fileMb: 0 };
  let kind: 'main' | 'arena' | 'anon' | 'file' = 'anon';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const start = Number.parseInt(head[1] as string, 16);
      const size = Number.parseInt(head[2] as string, 16) - start;
      const path = head[4] ?? '';
      if (path === '[heap]') kind = 'main';
      else if (path !== '' && !path.startsWith('[')) kind = 'file';
      else if (path === '' && start % ARENA_ALIGN === 0 && size <= ARENA_ALIGN && head[3] === 'rw-p') kind = 'arena';
      else kind = 'anon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const mb = Number(rss[1]) / 1024;
    if (kind === 'main') out.mainArenaMb += mb;
    else if (kind === 'file') out.fileMb += mb;
    else if (kind === 'arena') {
      out.otherArenasMb += mb;
      if (mb > 0) out.arenaHeaps++;
    } else out.otherAnonMb += mb;
  }
  return out;
}
