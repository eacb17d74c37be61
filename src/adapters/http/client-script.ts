import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Router from '@koa/router';
import { DomainError } from '../../domain/errors';

/** How long browsers keep `client.js` before asking again (with its ETag: a 304 when unchanged). */
export const CLIENT_SCRIPT_MAX_AGE = 86_400;

interface Script {
  body: Buffer;
  etag: string;
}

/** The built browser client, `dist/client/client.js` in the package (from `src/` under Jest, `dist/src/` once built). */
export function defaultClientScriptFile(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'client', 'client.js');
}

/** Reads the file on first use and keeps it; null (answered 404) while it is not built. */
function scriptLoader(file: string): () => Script | null {
  let script: Script | null = null;
  return () => {
    if (script || !existsSync(file)) return script;
    const body = readFileSync(file);
    script = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    return script;
  };
}

/** RFC 9110 §13.1.2: `*` or any listed tag, weak or strong, equal to ours. */
function matches(ifNoneMatch: string, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** `GET <prefix>/client.js` (SPEC §11): the browser client, with an ETag and a day of caching. */
export function mountClientScript(router: Router, file: string): void {
  const load = scriptLoader(file);
  router.get('/client.js', (ctx) => {
    const script = load();
    if (!script) throw new DomainError('not_found', 'the browser client is not built: run npm run build');
    ctx.set('Cache-Control', `public, max-age=${CLIENT_SCRIPT_MAX_AGE}`);
    ctx.set('ETag', script.etag);
    ctx.type = 'text/javascript; charset=utf-8';
    // Compared here rather than with `ctx.fresh`, which ignores If-None-Match beside the
    // `Cache-Control: no-cache` that browsers add to every conditional fetch().
    if (matches(ctx.get('if-none-match'), script.etag)) {
      ctx.status = 304;
      return;
    }
    ctx.body = script.body;
  });
}
