import * as fs from 'node:fs';
import * as path from 'node:path';
import { findImports } from './import-scanner';
import { checkFile, listSourceFiles } from './layer-rules';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');
const scanned = ['src', 'knexfile.ts', 'bench'].flatMap((dir) => listSourceFiles(ROOT, dir));
const under = (dir: string): string[] => scanned.filter((f) => f.startsWith(`${dir}/`));

describe('layers (SPEC §1, CONVENTIONS 1)', () => {
  it('src/domain has at least 5 files to check', () => {
    expect(under('src/domain').length).toBeGreaterThanOrEqual(5);
  });

  const ifPresent = (dir: string): jest.It => (fs.existsSync(path.join(ROOT, dir)) ? it : it.skip);
  ifPresent('src/application')('src/application has files to check', () => {
    expect(under('src/application').length).toBeGreaterThan(0);
  });
  ifPresent('src/adapters')('src/adapters has files to check', () => {
    expect(under('src/adapters').length).toBeGreaterThan(0);
  });

  it('the scanner sees the domain’s own imports', () => {
    const imports = under('src/domain').flatMap((f) => findImports(read(f)));
    expect(imports.length).toBeGreaterThan(0);
  });

  it('no source file breaks a layering rule', () => {
    const problems = scanned.flatMap((f) => checkFile(f, read(f)));
    expect(problems).toEqual([]);
  });
});

describe('the layer checker itself', () => {
  const one = (file: string, text: string): string[] => checkFile(file, text);

  it.each([
    ['an npm package', "import jwt from 'jsonwebtoken';"],
    ['a node: builtin', "import { randomUUID } from 'node:crypto';"],
    ['a bare builtin', "import * as fs from 'fs';"],
    ['the application layer, type-only', "import type { Login } from '../application/login';"],
    ['an adapter, multi-line', "import {\n  KnexSessionRepository,\n} from '../adapters/storage/knex-session-repository';"],
    ['a re-export of a package', "export { z } from 'zod';"],
    ['a star re-export from outside', "export * from '../config';"],
    ['a require', "const koa = require('koa');"],
    ['a dynamic import', "const m = await import('pino');"],
    ['a non-literal dynamic import', 'const m = await import(name);'],
    ['a side-effect import', "import 'reflect-metadata';"],
    ['an import type expression', "type C = import('../container').Container;"],
  ])('catches a domain file importing %s', (_label, text) => {
    const problems = one('src/domain/token.ts', `// header\n${text}\n`);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^src\/domain\/token\.ts:2 /);
  });

  it('names the offending file, line and import', () => {
    expect(one('src/domain/session.ts', "import { a } from './token';\nimport koa from 'koa';\n")).toEqual([
      'src/domain/session.ts:2 imports "koa": src/domain may import only from src/domain',
    ]);
  });

  it.each([
    ['Date.now', 'const t = Date.now();'],
    ['new Date(', 'const d = new Date(0);'],
    ['new Date without parentheses', 'const d = new Date;'],
    ['Date()', 'const s = Date();'],
    ['Math.random', 'const r = Math.random();'],
    ['process.', 'const e = process.env.X;'],
    ['crypto', 'const id = crypto.randomUUID();'],
    ['globalThis.crypto', 'const id = globalThis.crypto.randomUUID();'],
  ])('catches a domain file using %s', (_label, text) => {
    expect(one('src/domain/session.ts', text)).toEqual([expect.stringMatching(/^src\/domain\/session\.ts:1 uses /)]);
  });

  it('accepts domain code that only mentions banned names in comments or longer words', () => {
    const text = [
      "import type { TokenState } from './token';",
      "import type { Clock } from './ports/clock';",
      "import { x } from '../domain/user';",
      '/** Time comes from the Clock, never Date.now() or new Date(); no Math.random(). */',
      '// process.env is read by src/config.ts only; see crypto notes',
      'export const cryptographic = true; // a cryptographic check',
      "const url = 'http://example.test/a'; // not a comment inside the string",
      'export type Dated = { updatedAt: number };',
    ].join('\n');
    expect(one('src/domain/token.ts', text)).toEqual([]);
  });

  it.each([
    ['an adapter', "import { JwtTokenSigner } from '../adapters/security/jwt-token-signer';"],
    ['an npm package', "import Koa from 'koa';"],
    ['a node builtin', "import { randomUUID } from 'node:crypto';"],
    ['the config', "import type { Config } from '../config';"],
  ])('catches an application file importing %s', (_label, text) => {
    expect(one('src/application/login.ts', text)).toHaveLength(1);
  });

  it('lets the application import the domain and itself', () => {
    const text = "import { decideTokenCase } from '../domain/token-case';\nimport type { X } from './settings';";
    expect(one('src/application/login.ts', text)).toEqual([]);
  });

  it.each(['src/adapters/http/app.ts', 'src/config.ts', 'src/adapters/cli/user-add.ts', 'knexfile.ts'])(
    'catches %s importing the container',
    (file) => {
      const specifier = path.posix.relative(path.posix.dirname(file), 'src/container') || '.';
      const rel = specifier.startsWith('.') ? specifier : `./${specifier}`;
      expect(one(file, `import { buildContainer } from '${rel}.js';`)).toEqual([
        expect.stringContaining('only src/main.ts, src/cli.ts and tests may import src/container'),
      ]);
    },
  );

  it.each(['src/main.ts', 'src/cli.ts', 'test/e2e/app.test.ts'])('lets %s import the container', (file) => {
    const rel = path.posix.relative(path.posix.dirname(file), 'src/container');
    expect(one(file, `import { buildContainer } from '${rel.startsWith('.') ? rel : `./${rel}`}';`)).toEqual([]);
  });

  it.each([
    ['a type', "import type { Config } from '../../config';"],
    ['a value', "import { loadConfig } from '../../config';"],
    ['with an extension', "import type { Config } from '../../config.js';"],
  ])('catches an adapter importing src/config (%s)', (_label, text) => {
    expect(one('src/adapters/logging/pino-logger.ts', text)).toEqual([
      expect.stringContaining('adapters take narrow options of their own, never src/config'),
    ]);
  });

  it('lets adapters import packages, the domain and the application', () => {
    const text = "import Koa from 'koa';\nimport { Login } from '../../application/login';\nimport '../../domain/token';";
    expect(one('src/adapters/http/app.ts', text)).toEqual([]);
  });
});
