import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { isAuthority, isHostname } from '../../../src/adapters/system/host-syntax';
import { parseListenHost } from '../../../src/adapters/system/location-parsers';

/** The one host name rule behind `HOST` (config) and `Host`/`X-Forwarded-Host` (client-address). */
describe('isHostname', () => {
  it.each([
    'localhost',
    'gateway.internal',
    'Gateway-1.Example.COM',
    'a',
    'x1',
    '1x',
    'a-b-c.d',
    '10.0.0.5',
    '255.255.255.255',
    'legacy_app',
    'exa_mple.com',
    'example.com.',
    'a.',
    `${'a'.repeat(63)}.example`,
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
  ])('accepts %j', (name) => {
    expect(isHostname(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a lone hyphen', '-'],
    ['a leading hyphen', '-a.example'],
    ['a trailing hyphen', 'a-.example'],
    ['a leading hyphen in the last label', 'a.-b'],
    ['a space', 'a b'],
    ['userinfo', 'user@host'],
    ['a port', 'host:80'],
    ['a slash', 'a/b'],
    ['an empty label', 'a..b'],
    ['a leading dot', '.a'],
    ['two trailing dots', 'a..'],
    ['a lone dot', '.'],
    ['a 64-character label', `${'a'.repeat(64)}.example`],
    ['a 64-character last label', `example.${'a'.repeat(64)}`],
    ['254 characters', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`],
    ['an out-of-range IPv4 address', '999.1.1.1'],
    ['three numeric labels', '1.2.3'],
    ['an all-digit name', '1234'],
    ['non-ASCII', 'exämple.com'],
    ['a bracketed IPv6 address', '[::1]'],
  ])('refuses %s (%j)', (_what, name) => {
    expect(isHostname(name)).toBe(false);
  });

  it('reads an all-numeric name exactly as net.isIPv4 does (dotted quad, 0–255, no leading zero)', () => {
    const label = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9]{1,4}$/));
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 6 }), (labels) => {
        const name = labels.join('.');
        expect(isHostname(name)).toBe(isIPv4(name));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isAuthority', () => {
  it.each(['127.0.0.1:8080', 'example.com', 'example.com:1', 'example.com:65535', '[::1]', '[::1]:8080', '[::ffff:10.0.0.1]:443'])('accepts %j', (authority) => {
    expect(isAuthority(authority)).toBe(true);
  });

  it.each(['', ':80', 'host:', 'host:0', 'host:65536', 'host:123456', 'host:8a', 'host:-1', 'host: 80', 'a:b:c', '::1', '[::1', '[::1]x', '[::1]:', '[host]', '[fe80::1%eth0]', 'user@host', 'user:pw@host', 'host/x', 'host?x', 'host#x'])('refuses %j', (authority) => {
    expect(isAuthority(authority)).toBe(false);
  });
});

describe('parseListenHost', () => {
  it.each(['0.0.0.0', '::', '::1', 'fe80::1%lo', 'localhost', 'gateway.internal'])('accepts %j', (host) => {
    expect(parseListenHost(host)).toBe(host);
  });

  it.each(['', 'http://x', 'a b', '1.2.3.4:80', '[::1]', 'localhost:8080'])('refuses %j', (host) => {
    expect(() => parseListenHost(host)).toThrow(`expected an IP address or a hostname like localhost or gateway.internal, got ${JSON.stringify(host)}`);
  });
});
