import {
  headerObject,
  relayedResponseHeaders,
  upstreamRequestHeaders as flatHeaders,
  relayedUpgradeHeaders,
  type StripSettings,
  type TokenCookieNames,
} from '../../../src/adapters/proxy/forward-headers';

/** The flat list as an object, for readable expectations. */
const upstreamRequestHeaders = (incoming: Record<string, string | string[]>, settings: StripSettings) => headerObject(flatHeaders(incoming, settings));

/** SPEC §5's removals from what the upstream receives, and the hop-by-hop filter on what the client gets. */

const SETTINGS: StripSettings = { forwardTokens: false, accessCookie: 'access_token', refreshCookie: 'refresh_token', stripHeaders: new Set(['x-forwarded-user']) };
const NAMES: TokenCookieNames = SETTINGS;

describe('upstreamRequestHeaders', () => {
  it.each([
    ['only the two token cookies', 'access_token=a.b.c; refresh_token=d.e.f', undefined],
    ['others kept in order, each trimmed', ' theme=dark ;access_token=a.b.c;  lang=en ; refresh_token=x', 'theme=dark; lang=en'],
    ['empty pairs dropped', ';;theme=dark;; ;', 'theme=dark'],
    ['a pair without "=" is kept', 'flag; access_token=t', 'flag'],
    ['a value holding "=" is kept whole', 'q=a=b; refresh_token=r', 'q=a=b'],
    ['a name only containing ours is kept', 'my_access_token=1; access_token_x=2', 'my_access_token=1; access_token_x=2'],
    ['spaces around the name still match ours', '  access_token  =v; keep=1', 'keep=1'],
  ])('Cookie, %s', (_, cookie, expected) => {
    const out = upstreamRequestHeaders({ cookie, accept: '*/*' }, SETTINGS);
    expect(out.cookie).toBe(expected);
    expect(out.accept).toBe('*/*');
  });

  it('drops hop-by-hop, Connection-listed, gateway-owned and STRIP_HEADERS names (any spelling with _), a Bearer, X-Refresh-Token', () => {
    const out = upstreamRequestHeaders(
      {
        host: 'gw', connection: 'keep-alive, x-secret', 'keep-alive': 'timeout=5', 'x-secret': '1', te: 'trailers', 'x-user-id': 'spoof',
        x_user_roles: 'admin', 'x-forwarded-user': 'mallory', authorization: 'Bearer t', 'x-refresh-token': 'r', 'x-app': 'kept',
      },
      SETTINGS,
    );
    expect(out).toEqual({ 'x-app': 'kept' });
  });

  it('keeps another Authorization scheme, and every token with FORWARD_TOKENS', () => {
    expect(upstreamRequestHeaders({ authorization: 'Basic dTpw' }, SETTINGS).authorization).toBe('Basic dTpw');
    const all = upstreamRequestHeaders({ authorization: 'Bearer t', cookie: 'access_token=a', 'x-refresh-token': 'r' }, { ...SETTINGS, forwardTokens: true });
    expect(all).toEqual({ authorization: 'Bearer t', cookie: 'access_token=a', 'x-refresh-token': 'r' });
  });
});

describe('upstreamRequestHeaders, as a flat list', () => {
  it('keeps the order of the incoming headers and gives a repeated header one line per value', () => {
    expect(flatHeaders({ accept: '*/*', 'x-multi': ['a', 'b'], 'x-app': '1' }, SETTINGS)).toEqual(['accept', '*/*', 'x-multi', 'a', 'x-multi', 'b', 'x-app', '1']);
  });

  it('headerObject gathers repeated names into a list, in order', () => {
    expect(headerObject(['a', '1', 'b', '2', 'a', '3', 'a', '4'])).toEqual({ a: ['1', '3', '4'], b: '2' });
  });
});

describe('relayedResponseHeaders', () => {
  const raw = (...lines: string[]): Buffer[] => lines.map((l) => Buffer.from(l, 'latin1'));

  it('drops hop-by-hop names and those Connection lists, wherever Connection comes, and lower-cases names', () => {
    const upstream = raw('X-Hop', '1', 'Connection', 'close, X-Hop', 'Transfer-Encoding', 'chunked', 'Keep-Alive', 'timeout=5', 'Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2');
    expect(relayedResponseHeaders(upstream, [], NAMES)).toEqual(['content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2']);
  });

  it("puts ours first, lets ours replace the upstream's same names, and adds Set-Cookie lines", () => {
    const upstream = raw('X-Request-Id', 'forged', 'Set-Cookie', 'theirs=1', 'ETag', '"v1"');
    const ours: [string, string][] = [['x-request-id', 'rid'], ['set-cookie', 'access_token=t']];
    expect(relayedResponseHeaders(upstream, ours, NAMES)).toEqual(['x-request-id', 'rid', 'set-cookie', 'access_token=t', 'set-cookie', 'theirs=1', 'etag', '"v1"']);
  });

  it.each(['keep-alive', 'close', 'Keep-Alive', 'KEEP-ALIVE', 'Close', 'close, keep-alive'])('Connection: %s lists only hop-by-hop names: every other line passes, in order', (connection) => {
    const upstream = raw('Content-Type', 'text/plain', 'Connection', connection, 'Keep-Alive', 'timeout=5', 'Content-Length', '2', 'Date', 'x');
    expect(relayedResponseHeaders(upstream, [['x-request-id', 'rid']], NAMES)).toEqual(['x-request-id', 'rid', 'content-type', 'text/plain', 'content-length', '2', 'date', 'x']);
  });

  it.each(['keep_alive', 'Keep-Alivf', 'closed', 'clos', 'xlose', 'keep-alivee'])(
    'Connection: %s, close to keep-alive or close but neither, is read as a list: the line it names is dropped',
    (connection) => {
      const upstream = raw('Content-Type', 'text/plain', connection, 'v', 'Connection', connection);
      expect(relayedResponseHeaders(upstream, [], NAMES)).toEqual(['content-type', 'text/plain']);
    },
  );

  it('drops the names of every Connection line, not only the last one', () => {
    const upstream = raw('Connection', 'x-secret-a', 'Connection', 'X-Secret-B', 'X-Secret-A', 'aaa', 'X-Secret-B', 'bbb', 'Connection', 'keep-alive', 'ETag', '"v1"');
    expect(relayedResponseHeaders(upstream, [], NAMES)).toEqual(['etag', '"v1"']);
    expect(relayedResponseHeaders(['Connection', 'x-a, x-b', 'connection', 'x-c', 'x-a', '1', 'x-b', '2', 'x-c', '3', 'x-d', '4'], [], NAMES)).toEqual(['x-d', '4']);
  });

  it('keeps values byte for byte (latin1), from Buffers as from strings', () => {
    const value = 'caf\u00e9; q="x"';
    expect(relayedResponseHeaders(raw('X-Note', value), [], NAMES)).toEqual(['x-note', value]);
    expect(relayedResponseHeaders(['X-Note', value, 'Connection', 'x-note'], [], NAMES)).toEqual([]);
  });
});

describe("the upstream's Set-Cookie for a token cookie (only tokengate sets those)", () => {
  const raw = (...lines: string[]): Buffer[] => lines.map((l) => Buffer.from(l, 'latin1'));
  const upstreamCookies = (...values: string[]): Buffer[] => raw('Content-Type', 'text/plain', ...values.flatMap((v) => ['Set-Cookie', v]));
  const relayedCookies = (upstream: Buffer[], names: TokenCookieNames = NAMES): string[] =>
    relayedResponseHeaders(upstream, [], names).filter((_, i, all) => i % 2 === 1 && all[i - 1] === 'set-cookie');

  it.each([
    ['the access cookie', 'access_token=upstream-value; Path=/'],
    ['the refresh cookie', 'refresh_token=upstream-value; Path=/; HttpOnly'],
    ['spaces around the name', '  access_token  =upstream-value'],
    ['a tab before the name and a space after it', '\trefresh_token =x'],
    ['an empty value (a clearing cookie)', 'access_token=; Max-Age=0'],
    ['a bare name, no "=" (as the request side reads it)', 'access_token'],
  ])('is dropped: %s', (_, line) => {
    expect(relayedCookies(upstreamCookies('up_pref=1', line, 'up_two=2'))).toEqual(['up_pref=1', 'up_two=2']);
  });

  it.each([
    ['a name that merely starts with ours', 'access_token2=x'],
    ['a name that merely ends with ours', 'xaccess_token=x'],
    ['a name differing in letter case', 'Access_Token=x'],
    ['ours only as the value', 'session=access_token'],
    ['ours only in an attribute', 'session=1; access_token=x'],
    ['another cookie', 'up_pref=1; Path=/'],
  ])('is kept: %s', (_, line) => {
    expect(relayedCookies(upstreamCookies(line))).toEqual([line]);
  });

  it("drops the upstream's token cookie after ours too, and keeps ours", () => {
    const upstream = upstreamCookies('access_token=upstream-value', 'theirs=1');
    const ours: [string, string][] = [['x-request-id', 'rid'], ['set-cookie', 'access_token=ours; Path=/; HttpOnly']];
    expect(relayedResponseHeaders(upstream, ours, NAMES)).toEqual(['x-request-id', 'rid', 'set-cookie', 'access_token=ours; Path=/; HttpOnly', 'content-type', 'text/plain', 'set-cookie', 'theirs=1']);
  });

  it('honours custom cookie names (ACCESS_COOKIE_NAME / REFRESH_COOKIE_NAME): those are dropped, the default names are then just cookies', () => {
    const custom: TokenCookieNames = { accessCookie: '__Host-gw_at', refreshCookie: 'gw.rt' };
    const upstream = upstreamCookies('__Host-gw_at=x; Path=/; Secure', 'gw.rt=y', 'access_token=z', 'refresh_token=w');
    expect(relayedCookies(upstream, custom)).toEqual(['access_token=z', 'refresh_token=w']);
  });

  it('reads Set-Cookie in any letter case, from strings as from Buffers (Node\'s rawHeaders)', () => {
    expect(relayedResponseHeaders(['SET-COOKIE', 'access_token=x', 'set-cookie', 'refresh_token=y', 'Set-Cookie', 'a=1'], [], NAMES)).toEqual(['set-cookie', 'a=1']);
  });

  it('relayedUpgradeHeaders (the 101 a WebSocket upstream answers): drops the same lines, keeps every other line as it came', () => {
    const head = ['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Set-Cookie', ' access_token =x', 'set-cookie', 'a=1', 'SET-COOKIE', 'refresh_token=y', 'Sec-WebSocket-Accept', 'k'];
    expect(relayedUpgradeHeaders(head, [], NAMES)).toEqual(['Upgrade', 'websocket', 'Connection', 'Upgrade', 'set-cookie', 'a=1', 'Sec-WebSocket-Accept', 'k']);
    const clean = ['Upgrade', 'websocket', 'Set-Cookie', 'access_token2=x'];
    expect(relayedUpgradeHeaders(clean, [['x-request-id', 'rid']], NAMES)).toBe(clean);
  });
});

describe("the upstream's header-mode token headers (only tokengate sends X-Access-Token / X-Refresh-Token)", () => {
  it('are dropped from a relayed answer in any letter case, with or without a reissue of ours', () => {
    const upstream = ['X-Access-Token', 'planted', 'x-refresh-token', 'planted-too', 'X-ACCESS-TOKEN', 'again', 'ETag', '"v1"'];
    expect(relayedResponseHeaders(upstream, [['x-request-id', 'rid']], NAMES)).toEqual(['x-request-id', 'rid', 'etag', '"v1"']);
    expect(relayedResponseHeaders(upstream.map((v) => Buffer.from(v, 'latin1')), [], NAMES)).toEqual(['etag', '"v1"']);
    const ours: [string, string][] = [['x-request-id', 'rid'], ['x-access-token', 'ours']];
    expect(relayedResponseHeaders(upstream, ours, NAMES)).toEqual(['x-request-id', 'rid', 'x-access-token', 'ours', 'etag', '"v1"']);
  });

  it("are dropped from a WebSocket 101, as are the names ours sets there (one X-Request-Id, ours), while Set-Cookie lines add up", () => {
    const head = ['Upgrade', 'websocket', 'X-Access-Token', 'planted', 'X-Refresh-Token', 'p', 'X-Request-Id', 'theirs', 'Cache-Control', 'max-age=60', 'Set-Cookie', 'a=1'];
    const ours: [string, string][] = [['x-request-id', 'rid'], ['set-cookie', 'access_token=t'], ['cache-control', 'no-store']];
    expect(relayedUpgradeHeaders(head, ours, NAMES)).toEqual(['Upgrade', 'websocket', 'Set-Cookie', 'a=1']);
  });
});
