import http from 'node:http';
import type { Readable } from 'node:stream';

/** Headers as a map, or as a raw name/value list (kept as written: case, `_`, repeats). */
export type HeaderInput = Record<string, string | string[]> | [string, string][];

export interface SendOptions {
  method?: string;
  headers?: HeaderInput;
  body?: string | Buffer | Readable;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  text: string;
  /** The parsed JSON body, or null. */
  json: Record<string, unknown> | null;
  /** `Set-Cookie` lines. */
  setCookies: string[];
}

/**
 * One request on a fresh connection, the path sent byte for byte (no normalization, unlike
 * fetch/supertest), headers exactly as given. Redirects are not followed.
 */
export function send(port: number, path: string, options: SendOptions = {}): Promise<HttpAnswer> {
  const given = options.headers ?? {};
  const pairs: [string, string][] = Array.isArray(given)
    ? given
    : Object.entries(given).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));
  if (!pairs.some(([k]) => k.toLowerCase() === 'host')) pairs.unshift(['Host', `127.0.0.1:${port}`]);
  const body = options.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) pairs.push(['Content-Length', String(Buffer.byteLength(body))]);
  // Node would send an empty chunked body for a bodiless POST; say "no body" plainly instead.
  else if (body === undefined && !['GET', 'HEAD'].includes(options.method ?? 'GET')) pairs.push(['Content-Length', '0']);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: pairs.flat(), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | null = null;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = null;
          }
          const raw = res.headers['set-cookie'];
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text, json, setCookies: raw ?? [] });
        });
      },
    );
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** `name=value` pairs from `Set-Cookie` lines (an empty value for a cleared cookie). */
export function cookieValues(setCookies: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of setCookies) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return out;
}

/** The `Set-Cookie` line that sets `name`, or undefined. */
export function cookieLine(setCookies: string[], name: string): string | undefined {
  return setCookies.find((l) => l.startsWith(`${name}=`));
}

/** Asserts SPEC §4's error shape: status, `error` code, a description, and the RFC 6750 header on 401. */
export function expectErrorAnswer(res: HttpAnswer, status: number, code: string): void {
  expect({ status: res.status, error: res.json?.error }).toEqual({ status, error: code });
  expect(res.json?.error_description).toEqual(expect.any(String));
  if (status === 401) expect(res.headers['www-authenticate']).toBe(`Bearer error="${code}"`);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

/** Polls `probe` every `everyMs` until it returns true or `withinMs` passes; the time it took, or null. */
export async function waitUntil(probe: () => Promise<boolean> | boolean, withinMs: number, everyMs = 50): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > withinMs) return null;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
