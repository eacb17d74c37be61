import { constants } from 'node:fs';
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';

export interface PrivateFileOptions {
  /** The gateway's own data directory (`DATA_DIR`): tightened when others can read it. */
  dataDir?: string;
  /** Told when a directory others can read is not the gateway's to tighten. */
  onWarning?: (message: string) => void;
}

const GROUP_OR_OTHER = 0o077;

/**
 * Makes the SQLite database private to the gateway's user (SPEC §6): its directory is created
 * 0700, the file (and any `-wal`/`-shm` beside it) 0600. An existing data directory others can
 * read is tightened; any other directory (shared by the operator's choice) is left as it is,
 * with a warning. The file is created before SQLite opens it, so it is never world-readable.
 */
export async function preparePrivateSqliteFile(filename: string, options: PrivateFileOptions = {}): Promise<void> {
  const dir = path.dirname(filename);
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created === undefined) await tightenDirectory(dir, options);
  try {
    await (await open(filename, constants.O_CREAT | constants.O_RDWR, 0o600)).close();
  } catch {
    return; // Not a file we can open (a directory, no access): SQLite's own error says so on first use.
  }
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) await tightenFile(file);
}

async function tightenDirectory(dir: string, options: PrivateFileOptions): Promise<void> {
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & GROUP_OR_OTHER) === 0) return;
  const ours = options.dataDir !== undefined && path.resolve(options.dataDir) === path.resolve(dir);
  const warn = () =>
    options.onWarning?.(`the directory "${dir}" holding the database is readable by other users (mode ${mode.toString(8)}); chmod 700 it`);
  if (!ours) return warn();
  try {
    await chmod(dir, 0o700);
  } catch {
    warn();
  }
}

async function tightenFile(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (info.isFile() && (info.mode & GROUP_OR_OTHER) !== 0) await chmod(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
