/**
 * One canonical path (SPEC §5) decides the route, the role check, whether tokengate owns a
 * path, and what is forwarded, so that no spelling of a path reaches an upstream under a
 * weaker rule than its plain spelling, and no spelling names another host.
 */
export interface CanonicalPath {
  /**
   * What is forwarded: always one leading `/` (never `//`, so never a network-path
   * reference), unreserved `%XX` decoded, dot segments resolved, repeated slashes merged;
   * the client's letter case and `;parameters` kept.
   */
  path: string;
  /** What routes match: {@link path} with ASCII letters lower-cased and `;parameters` dropped. */
  key: string;
  /** The query with its `?`, as the client sent it ('' when none). */
  search: string;
}

/** Why a request target has no canonical path: answered 400 `invalid_request`, never forwarded. */
export class PathRefused extends Error {}

const HEX = /^[0-9A-Fa-f]{2}$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Targets made only of these, with no `//`, `;` or dot segment, are already canonical (the common case). */
const PLAIN = /^(?:\/[A-Za-z0-9\-_~!$&'()*+,=:@]+(?:\.[A-Za-z0-9\-_~!$&'()*+,=:@]+)*)*\/?$/;

/**
 * The canonical path of a request target (origin-form `/p?q`, or absolute-form
 * `http://h/p?q`, whose scheme and authority are ignored: the upstream comes only from the
 * route). Throws {@link PathRefused} for `%2F`, `\`/`%5C`, `%00` and other control
 * characters, malformed `%` escapes, a climb above the root, or any other target form.
 */
export function canonicalPath(target: string): CanonicalPath {
  const hash = target.indexOf('#');
  const bare = hash < 0 ? target : target.slice(0, hash);
  const q = bare.indexOf('?');
  let raw = q < 0 ? bare : bare.slice(0, q);
  const search = q < 0 ? '' : bare.slice(q);
  if (raw.charCodeAt(0) !== 47 /* / */) raw = absoluteFormPath(raw);
  if (PLAIN.test(raw)) return { path: raw, key: raw.toLowerCase(), search };
  const path = resolve(raw);
  return { path, key: keyOf(path), search };
}

/** The path of an absolute-form target (RFC 9112 §3.2.2); any other form is refused. */
function absoluteFormPath(target: string): string {
  const m = /^https?:\/\/[^/?#\\]*(\/.*)?$/i.exec(target);
  if (!m) throw new PathRefused('the request target must be a path');
  return m[1] ?? '/';
}

/** Decodes unreserved escapes of one segment; refuses the characters SPEC §5 names. */
function decodeSegment(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || c === '\\') throw new PathRefused('the path holds a control character or a backslash');
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = segment.slice(i + 1, i + 3);
    if (!HEX.test(hex)) throw new PathRefused('the path holds a malformed %-escape');
    const byte = parseInt(hex, 16);
    const decoded = String.fromCharCode(byte);
    if (byte < 0x20 || byte === 0x7f || decoded === '/' || decoded === '\\') {
      throw new PathRefused('the path holds an encoded slash, backslash or control character');
    }
    out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/** A segment's name without its `;parameters` (what servlet containers read as the segment). */
const nameOf = (segment: string): string => {
  const semi = segment.indexOf(';');
  return semi < 0 ? segment : segment.slice(0, semi);
};

/** RFC 3986 §5.2.4 dot-segment removal plus slash merging; a climb above the root is refused. */
function resolve(raw: string): string {
  const parts = raw.split('/');
  const out: string[] = [];
  let trailing = false;
  for (let i = 1; i < parts.length; i++) {
    const segment = decodeSegment(parts[i] as string);
    const last = i === parts.length - 1;
    const name = nameOf(segment);
    if (name === '..') {
      if (out.length === 0) throw new PathRefused('the path climbs above the root');
      out.pop();
      trailing = last && out.length > 0;
    } else if (name === '.' || segment === '') {
      trailing = last && out.length > 0;
    } else {
      out.push(segment);
      trailing = false;
    }
  }
  return `/${out.join('/')}${trailing ? '/' : ''}`;
}

/** Lower-cases ASCII letters and drops every segment's `;parameters`. */
function keyOf(path: string): string {
  return path
    .split('/')
    .map((segment) => nameOf(segment).replace(/[A-Z]+/g, (s) => s.toLowerCase()))
    .join('/');
}
