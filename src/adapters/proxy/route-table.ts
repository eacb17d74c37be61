import { readFileSync } from 'node:fs';
import type * as Yaml from 'yaml';
import type * as Zod from 'zod';
import { canonicalPath, type CanonicalPath } from '../admission/canonical-path';

/** One upstream a path prefix leads to (SPEC §5). */
export interface Route {
  /** Normalized: starts with `/`, no trailing `/` except the root route. */
  prefix: string;
  /** What a request's canonical key is compared with: the prefix's own key (lower case, no `;params`). */
  key: string;
  upstream: URL;
  public: boolean;
  stripPrefix: boolean;
  /** Any-of; null when any authenticated user may pass. */
  roles: string[] | null;
  /** `"mfa": true`: a password-only session is refused with 403 `mfa_required` (SPEC §12). */
  mfa?: boolean;
}

export interface RouteMatch {
  route: Route;
  /** Path and query to request from the upstream: always starts with a single `/`. */
  upstreamPath: string;
  /**
   * The upstream's origin, the one string made at start: `URL#origin` makes a new string on
   * every read, which the connection pool's lookup would then hash again on every request.
   */
  origin: string;
}

/** `ROUTES_FILE`'s schema; zod is required on first use, as only a gateway with a routes file needs it (about 45 ms and 3 MB of heap at every start otherwise). */
function buildFileSchema() {
  const { z } = require('zod') as typeof Zod;
  const httpUrl = z.string().refine((s) => /^https?:\/\/[^/]/i.test(s) && URL.canParse(s), 'must be an http(s) URL');
  const routeSchema = z.object({
    prefix: z.string().regex(/^\/[^\s?#]*$/, 'must be a path starting with /'),
    upstream: httpUrl,
    public: z.boolean().default(false),
    stripPrefix: z.boolean().default(false),
    roles: z.array(z.string().min(1)).min(1).optional(),
    mfa: z.boolean().default(false),
  }).strict();
  return z.object({ routes: z.array(routeSchema) }).strict();
}

let fileSchema: ReturnType<typeof buildFileSchema> | undefined;

const normalizePrefix = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') || '/' : p);

/** The key a prefix is matched by, as requests' paths are (SPEC §5); a prefix with no canonical path is refused. */
function prefixKey(prefix: string): string {
  try {
    return normalizePrefix(canonicalPath(prefix).key);
  } catch (e) {
    throw new Error(`ROUTES_FILE: prefix "${prefix}": ${(e as Error).message}`);
  }
}

/** Reads and validates `ROUTES_FILE` (JSON, or YAML for `.yaml`/`.yml`); one clear line on error. */
export function loadRoutesFile(path: string): Route[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`ROUTES_FILE: cannot read "${path}"`);
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? (require('yaml') as typeof Yaml).parse(text) : JSON.parse(text);
  } catch (e) {
    throw new Error(`ROUTES_FILE: "${path}" is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
  fileSchema ??= buildFileSchema();
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'file';
    throw new Error(`ROUTES_FILE: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.routes.map((r) => ({
    prefix: normalizePrefix(r.prefix),
    key: prefixKey(r.prefix),
    upstream: new URL(r.upstream),
    public: r.public,
    stripPrefix: r.stripPrefix,
    roles: r.roles ?? null,
    ...(r.mfa ? { mfa: true } : {}),
  }));
}

/** Longest whole-segment prefix first; `defaultUpstream` answers what no route matches. */
export class RouteTable {
  private readonly routes: Route[];
  /** Per route, what matching needs and never changes: `key/`, the upstream's base path, the segments to strip. */
  private readonly compiled: { route: Route; key: string; under: string; base: string; strip: number; origin: string }[];

  constructor(routes: Route[], defaultUpstream: URL | null) {
    this.routes = [...routes].sort((a, b) => b.key.length - a.key.length);
    if (defaultUpstream && !this.routes.some((r) => r.prefix === '/')) {
      this.routes.push({ prefix: '/', key: '/', upstream: defaultUpstream, public: false, stripPrefix: false, roles: null });
    }
    this.compiled = this.routes.map((route) => ({
      route,
      key: route.key,
      under: `${route.key}/`,
      base: route.upstream.pathname.replace(/\/+$/, ''),
      strip: route.stripPrefix && route.key !== '/' ? route.key.split('/').length - 1 : 0,
      origin: route.upstream.origin,
    }));
  }

  get size(): number {
    return this.routes.length;
  }

  /** The route for a canonical path (matched by its key), or null. */
  match(canonical: CanonicalPath): RouteMatch | null {
    const { key } = canonical;
    for (const c of this.compiled) {
      if (!(c.key === '/' || key === c.key || key.startsWith(c.under))) continue;
      const rest = c.strip > 0 ? stripSegments(canonical.path, c.strip) : canonical.path;
      return { route: c.route, upstreamPath: c.base + rest + canonical.search, origin: c.origin };
    }
    return null;
  }
}

/** `path` without its first `count` segments (the key and the path have the same segments). */
function stripSegments(path: string, count: number): string {
  return `/${path.split('/').slice(count + 1).join('/')}`;
}
