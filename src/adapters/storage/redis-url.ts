/** Where the Redis session store lives, parsed from `SESSION_STORE_URL`. */
export interface RedisTarget {
  host: string;
  port: number;
  /** Logical database number (the URL path, default 0). */
  db: number;
  username: string;
  password: string;
  /** `rediss://`: connect over TLS. */
  tls: boolean;
}

const DEFAULT_REDIS_PORT = 6379;

const unsupported = (url: string): Error =>
  new Error(
    `Unsupported SESSION_STORE_URL "${redactRedisUrl(url)}": use redis://[user:pass@]host:6379/0 or rediss://… for TLS`,
  );

/** True for the URL schemes the Redis session store accepts. */
export const isRedisUrl = (url: string): boolean => /^rediss?:\/\//i.test(url.trim());

/** Parses `redis://[user[:pass]@]host[:port][/db]` (or `rediss://`); throws one clear line. */
export function parseRedisUrl(url: string): RedisTarget {
  const trimmed = url.trim();
  if (!isRedisUrl(trimmed)) throw unsupported(url);
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw unsupported(url);
  }
  const path = parsed.pathname.replace(/^\//, '');
  if (!parsed.hostname || !/^\d*$/.test(path) || parsed.search || parsed.hash) throw unsupported(url);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : DEFAULT_REDIS_PORT,
    db: path === '' ? 0 : Number(path),
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    tls: parsed.protocol.toLowerCase() === 'rediss:',
  };
}

/** The URL with any password replaced, safe for logs and error messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^/?#]*@/i, '$1***@');
}

/** A one-line, password-free description of the store. */
export function describeRedisTarget(target: RedisTarget): string {
  const scheme = target.tls ? 'rediss' : 'redis';
  const user = target.username ? encodeURIComponent(target.username) : '';
  const auth = user || target.password ? `${user}${target.password ? ':***' : ''}@` : '';
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${scheme}://${auth}${host}:${target.port}/${target.db}`;
}
