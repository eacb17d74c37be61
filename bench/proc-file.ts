import { readFileSync } from 'node:fs';

/** A `/proc` file's text; null off Linux or once the process is gone. */
export function readProcFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
