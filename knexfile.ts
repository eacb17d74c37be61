import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { knexConfigFromUrl } from './src/adapters/storage/knex-config';

// The knex CLI changes into the knexfile's directory; anchor the default SQLite file at the
// project root whether this runs as ./knexfile.ts or as the compiled dist/knexfile.js.
const root = path.basename(__dirname) === 'dist' ? path.dirname(__dirname) : __dirname;

function fromDatabaseUrl(): Knex.Config {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (knexfile environment "mysql"/"production")');
  return knexConfigFromUrl(url);
}

/** Knex CLI environments: `--env development` (default) or `--env mysql` / `production`. */
const config: Record<string, Knex.Config> = {
  get development(): Knex.Config {
    mkdirSync(path.join(root, 'data'), { recursive: true });
    return knexConfigFromUrl(`sqlite:${path.join(root, 'data', 'tokengate.db')}`);
  },
  get mysql(): Knex.Config {
    return fromDatabaseUrl();
  },
  get production(): Knex.Config {
    return fromDatabaseUrl();
  },
};

export default config;
