const UNSAFE = /[\\\u0000-\u001f\u007f]/;

/**
 * Longest `rd` kept. The login redirect (SPEC §5) carries a request's whole path and query,
 * which Node lets reach 16 KB; a long search query is still a same-origin destination.
 */
const MAX_LENGTH = 8192;

/**
 * Where a login may send the browser: a same-origin relative path, else `/`.
 * Refuses `//host`, `/\host`, schemes, backslashes and control characters, and, in the path,
 * their percent-encoded forms (`/%2F/host`, `/%5Chost`), which a browser or a server behind the
 * gateway may decode. The query and fragment are data: encoded there (`?q=a%5Cb`, `%0A`, a
 * lone `%E0`), they stay as the request had them.
 */
export function safeRedirect(rd: unknown): string {
  if (typeof rd !== 'string' || rd.length === 0 || rd.length > MAX_LENGTH) return '/';
  if (!rd.startsWith('/') || rd.startsWith('//') || UNSAFE.test(rd)) return '/';
  const end = rd.search(/[?#]/);
  let path: string;
  try {
    path = decodeURIComponent(end < 0 ? rd : rd.slice(0, end));
  } catch {
    return '/';
  }
  if (path.startsWith('//') || UNSAFE.test(path)) return '/';
  const url = new URL(rd, 'http://gateway.invalid');
  if (url.origin !== 'http://gateway.invalid') return '/';
  return rd;
}
