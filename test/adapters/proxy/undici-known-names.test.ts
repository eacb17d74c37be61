import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, errors } from 'undici';
import { ADDED_HEADER_NAMES, exchangeRequestHeaders } from '../../../src/adapters/proxy/forward';
import { enterKnownHeaderNames, undiciNameTable } from '../../../src/adapters/proxy/undici-known-names';

/**
 * tokengate's own upstream header names are entered in undici's table of known names, so undici
 * skips checking them (docs/performance.md, "undici's header checks"); values and every other
 * name are still checked.
 */

const SETTINGS = { forwardTokens: false, accessCookie: 'access_token', refreshCookie: 'refresh_token', stripHeaders: new Set<string>() };

it('the names entered are exactly those tokengate adds to an upstream request', () => {
  const req = { headers: {} } as IncomingMessage;
  const identity = { sub: 'u1', username: 'alice', roles: ['admin'], sid: 's1', exp: 0, amr: ['pwd'] };
  const flat = exchangeRequestHeaders({ req, requestId: 'rid', client: { ip: '10.0.0.1', protocol: 'http', host: 'gw' }, identity }, SETTINGS);
  const names = flat.filter((_, i) => i % 2 === 0);
  expect([...names].sort()).toEqual([...ADDED_HEADER_NAMES].sort());
});

it('the undici installed here has the table, and then holds every added name as itself', () => {
  const table = undiciNameTable();
  expect(table).not.toBeNull();
  expect(enterKnownHeaderNames(ADDED_HEADER_NAMES)).toBe(ADDED_HEADER_NAMES.length);
  for (const name of ADDED_HEADER_NAMES) expect(table![name]).toBe(name);
});

it('without the table (another undici) nothing is entered and nothing fails', () => {
  expect(enterKnownHeaderNames(ADDED_HEADER_NAMES, null)).toBe(0);
});

it('a name the table already holds keeps its entry, and is not counted as entered', () => {
  const table: Record<string, string | undefined> = { 'x-user-id': 'x-other' };
  expect(enterKnownHeaderNames(['x-user-id', 'x-session-id'], table)).toBe(1);
  expect(table).toEqual({ 'x-user-id': 'x-other', 'x-session-id': 'x-session-id' });
});

it.each(['X-User-Id', 'x user', 'x-', '-x', '', 'x_user', 'x-user\r\nhost', 'x--y'])('refuses to enter %j: only plain lower-case names may skip the check', (name) => {
  const table: Record<string, string | undefined> = {};
  expect(() => enterKnownHeaderNames(['x-ok', name], table)).toThrow(/not a plain lower-case header name/);
  expect(table).toEqual({});
});

describe('through a real undici Agent, after the names were entered', () => {
  let server: http.Server;
  let seen: IncomingMessage['headers'] | null = null;
  let origin: string;
  const agent = new Agent();

  beforeAll(async () => {
    enterKnownHeaderNames(ADDED_HEADER_NAMES);
    server = http.createServer((req, res) => {
      seen = req.headers;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('it is the table this Agent reads: undici lower-cases an entered name no more', async () => {
    const lower = jest.spyOn(String.prototype, 'toLowerCase');
    try {
      const res = await agent.request({ origin, path: '/', method: 'GET', headers: ['x-user-id', 'u1'] });
      await res.body.text();
      expect(lower.mock.contexts.map(String)).not.toContain('x-user-id');
      const other = await agent.request({ origin, path: '/', method: 'GET', headers: ['x-not-entered', '1'] });
      await other.body.text();
      expect(lower.mock.contexts.map(String)).toContain('x-not-entered');
    } finally {
      lower.mockRestore();
    }
  });

  it('an entered name and its value reach the upstream as sent', async () => {
    const res = await agent.request({ origin, path: '/', method: 'GET', headers: ['x-user-id', 'u1', 'x-user-roles', 'a,b'] });
    await res.body.text();
    expect(seen).toMatchObject({ 'x-user-id': 'u1', 'x-user-roles': 'a,b' });
  });

  it.each(['a\r\nx-user-roles: admin', 'a\nb', 'a\0b'])('a value with %j under an entered name is still refused by undici', async (value) => {
    seen = null;
    await expect(agent.request({ origin, path: '/', method: 'GET', headers: ['x-user-id', value] })).rejects.toBeInstanceOf(errors.InvalidArgumentError);
    expect(seen).toBeNull();
  });
});
