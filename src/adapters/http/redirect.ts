const UNSAFE = /[\\\u0000-\u001f\u007f]/;

/**
 * Where a login may send the browser: a same-origin relative path, else `/`.
 * Refuses `//host`, `/\host`, schemes, backslashes and their percent-encoded forms.
 */
export function safeRedirect(rd: unknown): string {
  if (typeof rd !== 'string' || rd.length === 0 || rd.length > 2048) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rd);
  } catch {
    return '/';
  }
  for (const candidate of [rd, decoded]) {
    if (!candidate.startsWith('/') || candidate.startsWith('//') || UNSAFE.test(candidate)) return '/';
  }
  const url = new URL(rd, 'http://gateway.invalid');
  if (url.origin !== 'http://gateway.invalid') return '/';
  return rd;
}
