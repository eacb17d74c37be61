import type { Response } from 'supertest';

/** One `Set-Cookie` line, parsed. Attribute names are lower-cased; flags map to `true`. */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...attrs] = raw.split(';').map((p) => p.trim());
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    if (i < 0) attributes[attr.toLowerCase()] = true;
    else attributes[attr.slice(0, i).toLowerCase()] = attr.slice(i + 1);
  }
  return { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attributes, raw };
}

/** Every `Set-Cookie` of a response, by cookie name (fails on a name set twice). */
export function setCookies(res: Response): Record<string, SetCookie> {
  const header = res.headers['set-cookie'] as unknown as string[] | string | undefined;
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const byName: Record<string, SetCookie> = {};
  for (const line of lines) {
    const cookie = parseSetCookie(line);
    if (byName[cookie.name]) throw new Error(`cookie ${cookie.name} set twice: ${lines.join(' | ')}`);
    byName[cookie.name] = cookie;
  }
  return byName;
}

/** The names of the cookies a response sets. */
export const cookieNames = (res: Response): string[] => Object.keys(setCookies(res)).sort();

/** A `Cookie` request header carrying the given tokens under the default names. */
export function cookieHeader(tokens: { access?: string | null; refresh?: string | null }): string {
  const parts: string[] = [];
  if (tokens.access) parts.push(`access_token=${tokens.access}`);
  if (tokens.refresh) parts.push(`refresh_token=${tokens.refresh}`);
  return parts.join('; ');
}

/** Asserts the token cookie attributes SPEC §4 fixes (default settings: no `Secure`). */
export function expectTokenCookie(cookie: SetCookie | undefined, value: string, maxAge: number): void {
  expect(cookie).toBeDefined();
  const c = cookie as SetCookie;
  expect(c.value).toBe(value);
  expect(c.attributes).toMatchObject({ httponly: true, path: '/', samesite: 'Lax', 'max-age': String(maxAge) });
  expect(c.attributes.secure).toBeUndefined();
}

/** Asserts a cookie is cleared: empty, `Max-Age=0`, same path. */
export function expectClearedCookie(cookie: SetCookie | undefined): void {
  expect(cookie).toBeDefined();
  const c = cookie as SetCookie;
  expect(c.value).toBe('');
  expect(c.attributes).toMatchObject({ 'max-age': '0', path: '/', httponly: true });
}
