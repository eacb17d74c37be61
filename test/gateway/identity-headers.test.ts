import { rawValues, RecordingUpstream } from '../support/gateway-upstream';
import { RunningGateway, type UserSession } from '../support/gateway-harness';

/** SPEC §5 "To the upstream": identity headers exactly once, no spoofing, tokens stripped, hop-by-hop dropped. */

const OWNED = ['x-user-id', 'x-user-name', 'x-user-roles', 'x-session-id', 'x-user-amr', 'x-request-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];

/** Every owned header in several spellings: lower, upper, `_` for `-`, mixed, and repeated. */
function spoofs(): [string, string][] {
  const out: [string, string][] = [];
  for (const name of OWNED.filter((n) => n !== 'x-request-id')) {
    const mixed = name.split('-').map((p) => p[0]?.toUpperCase() + p.slice(1)).join('_');
    out.push([name, 'evil-1'], [name.toUpperCase(), 'evil-2'], [mixed, 'evil-3'], [name.replace(/-/g, '_'), 'evil-4'], [name, 'evil-5']);
  }
  return out;
}

let up: RecordingUpstream;
let gw: RunningGateway;
let s: UserSession;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  gw = await RunningGateway.start({ UPSTREAM_URL: up.url });
  s = await gw.session(['reader', 'ops']);
});
afterAll(async () => {
  await gw.stop();
  await up.close();
});

describe('identity to the upstream', () => {
  it('each of the nine headers arrives exactly once, with tokengate\'s values, whatever the client sent', async () => {
    const res = await gw.request('/who?x=1', {
      headers: [['Cookie', s.cookie], ...spoofs(), ['X-Request-Id', 'client-req.42_A'], ['X_Request_Id', 'evil-rid']],
    });
    expect(res.status).toBe(200);
    const seen = up.last('/who');
    if (!seen) throw new Error('upstream not reached');
    const got = Object.fromEntries(OWNED.map((name) => [name, rawValues(seen.rawHeaders, name)]));
    expect(got).toEqual({
      'x-user-id': [s.user.id],
      'x-user-name': [s.user.username],
      'x-user-roles': ['reader,ops'],
      'x-session-id': [s.sid],
      'x-user-amr': ['pwd'],
      'x-request-id': ['client-req.42_A'],
      'x-forwarded-for': ['127.0.0.1'],
      'x-forwarded-proto': ['http'],
      'x-forwarded-host': [`127.0.0.1:${gw.port}`],
    });
    expect(seen.rawHeaders.filter((_, i) => i % 2 === 0 && _.includes('_'))).toEqual([]);
    expect(res.headers['x-request-id']).toBe('client-req.42_A');
  });

  it('a spoofed X-User-Id without a token authenticates nobody: 401, nothing forwarded', async () => {
    const before = up.requests.length;
    const res = await gw.request('/who', { headers: [['Accept', 'application/json'], ['X-User-Id', 'admin']] });
    expect(res.status).toBe(401);
    expect(up.requests.length).toBe(before);
  });

  it.each([
    ['too long', 'r'.repeat(129)],
    ['a space', 'bad id'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'id-é'],
  ])('an invalid client X-Request-Id (%s) is replaced, and the new one is echoed and forwarded', async (_what, given) => {
    const res = await gw.request('/rid', { headers: [['Cookie', s.cookie], ['X-Request-Id', given]] });
    expect(res.status).toBe(200);
    const echoed = res.headers['x-request-id'];
    expect(echoed).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect(echoed).not.toBe(given);
    expect(rawValues(up.last('/rid')?.rawHeaders ?? [], 'x-request-id')).toEqual([echoed]);
  });

  // Regression: the proxy used to copy every upstream response header over the X-Request-Id
  // that request-context.ts set, so the client got the upstream's id instead of the forwarded one.
  it('the request id echoed to the client is the one forwarded, even if the upstream answers with its own', async () => {
    up.handler = (_req, res) => {
      res.setHeader('X-Request-Id', 'upstream-own-id');
      res.end('ok');
    };
    try {
      const res = await gw.request('/rid-up', { headers: [['Cookie', s.cookie], ['X-Request-Id', 'client-rid-7']] });
      expect(up.last('/rid-up')?.headers['x-request-id']).toBe('client-rid-7');
      expect(res.headers['x-request-id']).toBe('client-rid-7');
    } finally {
      up.handler = null;
    }
  });

  it('a 128-character valid X-Request-Id is kept', async () => {
    const id = 'a.b_c-'.repeat(21) + 'xy';
    const res = await gw.request('/rid128', { headers: [['Cookie', s.cookie], ['X-Request-Id', id]] });
    expect(res.headers['x-request-id']).toBe(id);
    expect(up.last('/rid128')?.headers['x-request-id']).toBe(id);
  });
});

describe('tokens are not forwarded (FORWARD_TOKENS=false)', () => {
  it('token cookies are removed, other cookies pass in order', async () => {
    const cookie = `theme=dark; access_token=${s.access}; lang=en; refresh_token=${s.refresh}; other=1`;
    expect((await gw.request('/c1', { headers: { Cookie: cookie } })).status).toBe(200);
    const seen = up.last('/c1');
    expect(seen?.headers.cookie).toBe('theme=dark; lang=en; other=1');
    expect(seen?.headers['x-user-id']).toBe(s.user.id);
  });

  it('only token cookies: no Cookie header at all reaches the upstream', async () => {
    expect((await gw.request('/c2', { headers: { Cookie: s.cookie } })).status).toBe(200);
    expect(up.last('/c2')?.headers.cookie).toBeUndefined();
  });

  it.each(['Bearer', 'bearer', 'BEARER'])('"Authorization: %s …" and X-Refresh-Token (any spelling) are removed', async (scheme) => {
    const res = await gw.request('/h1', {
      headers: [['Authorization', `${scheme} ${s.access}`], ['X-Refresh-Token', s.refresh], ['x_refresh_token', s.refresh], ['Cookie', 'keep=1']],
    });
    expect(res.status).toBe(200);
    const seen = up.last('/h1');
    expect(rawValues(seen?.rawHeaders ?? [], 'authorization')).toEqual([]);
    expect(rawValues(seen?.rawHeaders ?? [], 'x-refresh-token')).toEqual([]);
    expect(seen?.headers.cookie).toBe('keep=1');
    expect(seen?.headers['x-user-id']).toBe(s.user.id);
  });

  it('"Authorization: Basic …" is not tokengate\'s: it passes untouched while the cookie authenticates', async () => {
    const basic = 'Basic dXNlcjpwYXNzd29yZA==';
    expect((await gw.request('/basic', { headers: { Cookie: s.cookie, Authorization: basic } })).status).toBe(200);
    const seen = up.last('/basic');
    expect(rawValues(seen?.rawHeaders ?? [], 'authorization')).toEqual([basic]);
    expect(seen?.headers['x-user-id']).toBe(s.user.id);
  });
});

describe('FORWARD_TOKENS=true', () => {
  let fwd: RunningGateway;
  let t: UserSession;
  beforeAll(async () => {
    fwd = await RunningGateway.start({ UPSTREAM_URL: up.url, FORWARD_TOKENS: 'true' });
    t = await fwd.session();
  });
  afterAll(() => fwd.stop());

  it('token cookies, the Bearer header and X-Refresh-Token reach the upstream', async () => {
    await fwd.request('/f1', { headers: { Cookie: `${t.cookie}; theme=dark` } });
    expect(up.last('/f1')?.headers.cookie).toBe(`${t.cookie}; theme=dark`);
    await fwd.request('/f2', { headers: { Authorization: `Bearer ${t.access}`, 'X-Refresh-Token': t.refresh } });
    const seen = up.last('/f2');
    expect(seen?.headers.authorization).toBe(`Bearer ${t.access}`);
    expect(seen?.headers['x-refresh-token']).toBe(t.refresh);
    expect(seen?.headers['x-user-id']).toBe(t.user.id);
  });
});

describe('hop-by-hop headers (RFC 9110 §7.6.1)', () => {
  it('request: standard hop-by-hop fields and names listed in Connection are dropped, end-to-end ones pass', async () => {
    const res = await gw.request('/hop', {
      headers: [
        ['Cookie', s.cookie], ['Connection', 'keep-alive, X-Hop-One, x-hop-two'], ['X-Hop-One', '1'], ['X-Hop-Two', '2'],
        ['Keep-Alive', 'timeout=7'], ['Proxy-Authorization', 'Basic eA=='], ['Proxy-Connection', 'keep-alive'],
        ['TE', 'trailers'], ['X-End-To-End', 'yes'],
      ],
    });
    expect(res.status).toBe(200);
    const h = up.last('/hop')?.headers ?? {};
    for (const name of ['x-hop-one', 'x-hop-two', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te']) {
      expect([name, h[name]]).toEqual([name, undefined]);
    }
    expect(String(h.connection ?? '')).not.toMatch(/x-hop/i);
    expect(h['x-end-to-end']).toBe('yes');
  });

  it('response: the upstream\'s Connection-listed names and hop-by-hop fields do not reach the client', async () => {
    up.handler = (_req, res) => {
      res.setHeader('Connection', 'X-Up-Hop, keep-alive');
      res.setHeader('X-Up-Hop', 'secret');
      res.setHeader('Keep-Alive', 'timeout=9');
      res.setHeader('Proxy-Authenticate', 'Basic realm="up"');
      res.setHeader('X-Up-End', 'kept');
      res.end('ok');
    };
    try {
      const res = await gw.request('/hop-res', { headers: { Cookie: s.cookie } });
      expect(res.status).toBe(200);
      expect(res.text).toBe('ok');
      expect(res.headers['x-up-hop']).toBeUndefined();
      expect(res.headers['proxy-authenticate']).toBeUndefined();
      expect(res.headers['keep-alive']).not.toBe('timeout=9');
      expect(String(res.headers.connection ?? '')).not.toMatch(/x-up-hop/i);
      expect(res.headers['x-up-end']).toBe('kept');
    } finally {
      up.handler = null;
    }
  });
});

describe('afterwards', () => {
  it('logged no error-level entry', () => {
    expect(gw.errors()).toEqual([]);
  });
});
