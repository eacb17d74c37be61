import * as fs from 'node:fs';
import * as path from 'node:path';
import { findImports, findUses } from './import-scanner';

/** Where each rule's files live, relative to the repository root (posix separators). */
export const DOMAIN = 'src/domain/';
export const APPLICATION = 'src/application/';
export const ADAPTERS = 'src/adapters/';
const CONTAINER_IMPORTERS = new Set(['src/container.ts', 'src/main.ts', 'src/cli.ts']);

/** Clock reads, randomness and the process: none of them belongs in the domain. */
const DOMAIN_BANNED: [string, RegExp][] = [
  ['Date.now', /\bDate\s*\.\s*now\b/],
  ['new Date', /\bnew\s+Date\b/],
  ['Date()', /(?<!\bnew\s+)(?<![.\w$])Date\s*\(/],
  ['Math.random', /\bMath\s*\.\s*random\b/],
  ['performance.now', /\bperformance\s*\.\s*now\b/],
  ['process.', /\bprocess\s*\./],
  ['crypto', /\bcrypto\b/],
];

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;

/** The repository path `specifier` names from `file`, or null for a package or builtin. */
export function resolveImport(file: string, specifier: string): string | null {
  if (specifier.startsWith('.')) return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  if (specifier.startsWith('/')) return path.posix.normalize(specifier);
  return null;
}

const isContainer = (file: string, specifier: string): boolean => {
  const target = resolveImport(file, specifier) ?? specifier;
  return /(^|\/)src\/container(\.[cm]?[jt]s)?(\/|$)/.test(target);
};

const isConfig = (file: string, specifier: string): boolean => {
  const target = resolveImport(file, specifier) ?? specifier;
  return /(^|\/)src\/config(\.[cm]?[jt]s)?$/.test(target);
};

const inside = (target: string | null, ...layers: string[]): boolean =>
  target !== null && layers.some((layer) => `${target}/`.startsWith(layer));

/** Every layering violation in one file, as `file:line message` lines. */
export function checkFile(file: string, text: string): string[] {
  const problems: string[] = [];
  const report = (line: number, message: string): void => {
    problems.push(`${file}:${line} ${message}`);
  };
  for (const { specifier, line } of findImports(text)) {
    if (specifier === null) {
      if (file.startsWith(DOMAIN) || file.startsWith(APPLICATION)) {
        report(line, 'has a dynamic import/require of a non-literal specifier');
      }
      continue;
    }
    const target = resolveImport(file, specifier);
    if (file.startsWith(DOMAIN) && !inside(target, DOMAIN)) {
      report(line, `imports "${specifier}": src/domain may import only from src/domain`);
    } else if (file.startsWith(APPLICATION) && !inside(target, DOMAIN, APPLICATION)) {
      report(line, `imports "${specifier}": src/application may import only from src/domain and src/application`);
    }
    if (file.startsWith(ADAPTERS) && isConfig(file, specifier)) {
      report(line, `imports "${specifier}": adapters take narrow options of their own, never src/config`);
    }
    if (isContainer(file, specifier) && !CONTAINER_IMPORTERS.has(file) && !file.startsWith('test/')) {
      report(line, `imports "${specifier}": only src/main.ts, src/cli.ts and tests may import src/container`);
    }
  }
  if (file.startsWith(DOMAIN)) {
    for (const [name, pattern] of DOMAIN_BANNED) {
      findUses(text, pattern).forEach((line) => report(line, `uses ${name}: the domain reads no clock, randomness or process`));
    }
  }
  return problems;
}

/** Source files under `dir` (relative to `root`), posix paths relative to `root`; [] when absent. */
export function listSourceFiles(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return SOURCE.test(dir) ? [dir] : [];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules')
    .flatMap((e) => listSourceFiles(root, path.posix.join(dir, e.name)))
    .sort();
}
