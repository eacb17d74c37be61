import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { isHostname } from './host-syntax';

/** Parsers for locations: URLs, origins, listen hosts, database URLs and files (see setting-parsers.ts). */

const show = (raw: string): string => JSON.stringify(raw);

/** An absolute http(s) URL. */
export function parseHttpUrl(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    /* reported below */
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new Error(`expected an http:// or https:// URL, got ${show(raw)}`);
  }
  return raw;
}

/** A comma-separated list of exact origins, normalized as browsers send them (`https://a.example:8443`). */
export function parseOrigins(raw: string): string[] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let url: URL | null = null;
      try {
        url = new URL(entry);
      } catch {
        /* reported below */
      }
      const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
      if (!url || !bare || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
        throw new Error(`expected comma-separated origins like https://app.example.com or http://localhost:3000, got ${show(entry)}`);
      }
      return url.origin;
    });
}

/**
 * Where a listener binds: an IPv4 or IPv6 address as `net.isIP` reads it (no brackets, no
 * port), or a {@link isHostname host name} such as `localhost` or `gateway.internal`.
 */
export function parseListenHost(raw: string): string {
  if (isIP(raw) === 0 && !isHostname(raw)) {
    throw new Error(`expected an IP address or a hostname like localhost or gateway.internal, got ${show(raw)}`);
  }
  return raw;
}

const DATABASE_SCHEMES = ['sqlite:', 'mysql:', 'memory:'];

/** `sqlite:<file>`, `sqlite::memory:`, `mysql://user:pass@host:3306/db` or `memory:`. */
export function parseDatabaseUrl(raw: string): string {
  const hint = 'expected sqlite:<file>, sqlite::memory:, mysql://user:pass@host:3306/db or memory:';
  const scheme = DATABASE_SCHEMES.find((s) => raw.toLowerCase().startsWith(s));
  const rest = scheme ? raw.slice(scheme.length) : '';
  const ok =
    (scheme === 'memory:' && rest === '') ||
    (scheme === 'sqlite:' && rest !== '') ||
    (scheme === 'mysql:' && isMysqlUrl(raw));
  if (!ok) throw new Error(`${hint}, got ${show(redactPassword(raw))}`);
  return raw;
}

function isMysqlUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.hostname !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}

/**
 * A URL as error messages may show it: no password. Everything from the `:` after the user
 * name to the last `@` goes, so a password holding `/`, `?`, `#` or `@` (unencoded, as people
 * type them) is hidden whole; a later `@` in the path only hides more.
 */
export function redactPassword(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[\s\S]*@/i, '$1***@');
}

/** `file` when it exists and is readable. */
export function parseReadableFile(file: string): string {
  try {
    accessSync(file, constants.R_OK);
  } catch (e) {
    throw new Error(`cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return file;
}
