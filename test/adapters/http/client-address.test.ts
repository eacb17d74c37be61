import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { clientAddress } from '../../../src/adapters/http/client-address';

/**
 * SPEC §5 "client address under TRUST_PROXY": what `X-Forwarded-Proto`/`-Host` may say. A
 * forwarded protocol counts only as `http` or `https`; a forwarded host only as a host name,
 * an IPv4 address or a bracketed IPv6 address with an optional port, never userinfo, a path
 * or a space. Anything else falls back to the socket and the `Host` header.
 */

const HOST = '127.0.0.1:8080';

/** A real IncomingMessage on an unconnected socket, with `headers` as Node would parse them. */
function request(headers: Record<string, string>, options: { tls?: boolean; remote?: string } = {}): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: options.remote ?? '10.0.0.1' });
  if (options.tls) Object.assign(socket, { encrypted: true });
  const req = new IncomingMessage(socket);
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return req;
}

describe('clientAddress: X-Forwarded-Proto under TRUST_PROXY', () => {
  it.each([
    ['javascript', 'http'],
    ['ftp', 'http'],
    ['gopher, https', 'http'],
    ['', 'http'],
    ['https, http', 'https'],
    ['HTTPS', 'https'],
    ['  Http  ', 'http'],
    ['hTtPs,ftp', 'https'],
  ])('%j → %s', (proto, expected) => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-proto': proto }), 1).protocol).toBe(expected);
  });

  it('a hostile value on a TLS socket falls back to https', () => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-proto': 'javascript' }, { tls: true }), 1).protocol).toBe('https');
  });

  it('a TLS socket stays https whatever a valid forwarded value says', () => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-proto': 'http' }, { tls: true }), 1).protocol).toBe('https');
  });

  it('TRUST_PROXY=0 ignores even a valid forwarded protocol', () => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-proto': 'https' }), 0).protocol).toBe('http');
  });
});

describe('clientAddress: X-Forwarded-Host under TRUST_PROXY', () => {
  it.each([
    ['a path', 'evil.com/path'],
    ['a space', 'a b'],
    ['userinfo', 'user@host'],
    ['userinfo before a real host', 'user@evil.example:443'],
    ['a port above 65535', 'host:99999'],
    ['port 0', 'host:0'],
    ['an empty port', 'host:'],
    ['a non-digit port', 'host:80a'],
    ['a signed port', 'host:+80'],
    ['a lone hyphen', '-'],
    ['a label starting with a hyphen', '-evil.example'],
    ['a label ending with a hyphen', 'evil-.example'],
    ['a 300-character name', `${'a'.repeat(60)}.`.repeat(5).slice(0, 300)],
    ['a 64-character label', `${'a'.repeat(64)}.example`],
    ['an empty label', 'a..b'],
    ['two trailing dots', 'example.com..'],
    ['an unbracketed IPv6 address', '::1'],
    ['an unterminated bracket', '[::1'],
    ['a bracketed non-address', '[evil.example]'],
    ['a bracketed IPv6 address with a zone', '[fe80::1%25eth0]'],
    ['an out-of-range IPv4 address', '999.1.1.1'],
    ['a numeric last label that is no IPv4 address', '1.2.3'],
    ['a query', 'host?x=1'],
    ['a fragment', 'host#x'],
    ['a backslash', 'evil.example\\x'],
    ['non-ASCII', 'exämple.com'],
    ['only a port', ':8080'],
  ])('%s (%j) falls back to the Host header', (_what, forwarded) => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-host': forwarded }), 1).host).toBe(HOST);
  });

  it.each([
    ['a name', 'public.example'],
    ['a name and port', 'Public.Example:8443'],
    ['a single label', 'localhost'],
    ['an IPv4 address and port', '10.0.0.5:8080'],
    ['a bracketed IPv6 address and port', '[::1]:8080'],
    ['a bracketed IPv6 address', '[2001:db8::1]'],
    ['a 63-character label', `${'a'.repeat(63)}.example`],
    ['a 253-character name', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
    ['a port of 65535', 'host:65535'],
  ])('%s (%j) is used unchanged', (_what, forwarded) => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-host': forwarded }), 1).host).toBe(forwarded);
  });

  it('the first entry of a list is the one checked', () => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-host': ' public.example , other.example' }), 1).host).toBe('public.example');
    expect(clientAddress(request({ host: HOST, 'x-forwarded-host': 'a b, public.example' }), 1).host).toBe(HOST);
  });

  it('TRUST_PROXY=0 ignores even a valid forwarded host', () => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-host': 'public.example' }), 0).host).toBe(HOST);
  });
});

describe('clientAddress: the Host header', () => {
  it.each([
    ['a plain address and port', HOST],
    ['a name', 'gateway.internal'],
    ['a bracketed IPv6 address and port', '[::1]:8080'],
    // Names browsers and Docker networks use, though RFC 1123 has no `_` and no final dot.
    ['a Docker service name with an underscore', 'legacy_app:8080'],
    ['an absolute name (a trailing dot)', 'gateway.example.'],
  ])('%s (%j) is used as given', (_what, host) => {
    expect(clientAddress(request({ host }), 0).host).toBe(host);
  });

  it.each([
    ['userinfo', 'user@host'],
    ['a path', 'evil.com/path'],
    ['a space', 'a b'],
    ['a bad port', 'host:99999'],
  ])('%s (%j) gives no host at all', (_what, host) => {
    expect(clientAddress(request({ host }), 0).host).toBe('');
    expect(clientAddress(request({ host, 'x-forwarded-host': 'also bad' }), 1).host).toBe('');
  });

  it('no Host header gives no host', () => {
    expect(clientAddress(request({}), 1).host).toBe('');
  });
});

describe('clientAddress: the client IP (unchanged)', () => {
  it('TRUST_PROXY=0 takes the socket address and ignores X-Forwarded-For', () => {
    expect(clientAddress(request({ host: HOST, 'x-forwarded-for': '203.0.113.9' }, { remote: '10.1.1.1' }), 0).ip).toBe('10.1.1.1');
  });

  it('TRUST_PROXY=n takes the entry n from the right of X-Forwarded-For', () => {
    const req = request({ host: HOST, 'x-forwarded-for': '198.51.100.1, 203.0.113.9 , 192.0.2.7' });
    expect(clientAddress(req, 1).ip).toBe('192.0.2.7');
    expect(clientAddress(req, 2).ip).toBe('203.0.113.9');
    expect(clientAddress(req, 5).ip).toBe('198.51.100.1');
  });

  it('no X-Forwarded-For falls back to the socket address', () => {
    expect(clientAddress(request({ host: HOST }, { remote: '10.2.2.2' }), 1).ip).toBe('10.2.2.2');
  });
});
