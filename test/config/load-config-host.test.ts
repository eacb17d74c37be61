import { issuesOf, load } from './config-fixtures';

/**
 * HOST (SPEC §7, where the gateway listens) is checked when the settings load, so a bad
 * value stops the start with one line naming HOST, before storage is opened, instead of
 * failing at listen time.
 */
describe('HOST', () => {
  it('defaults to 0.0.0.0', () => {
    expect(load({}).host).toBe('0.0.0.0');
  });

  it.each([
    '127.0.0.1',
    '0.0.0.0',
    '10.0.0.5',
    '::',
    '::1',
    '2001:db8::1',
    'localhost',
    'gateway.internal',
    'Gateway-1.example.com',
    'legacy_gateway',
  ])('accepts %j', (host) => {
    expect(load({ HOST: host }).host).toBe(host);
  });

  it('trims surrounding blanks, as for every setting', () => {
    expect(load({ HOST: ' localhost ' }).host).toBe('localhost');
  });

  // An empty value counts as unset for every setting (docs/configuration.md): the default.
  it.each(['', '   '])('an empty value (%j) counts as unset: 0.0.0.0', (host) => {
    expect(load({ HOST: host }).host).toBe('0.0.0.0');
  });

  it.each([
    ['a URL', 'http://x'],
    ['a space', 'a b'],
    ['an address with a port', '1.2.3.4:80'],
    ['a name with a port', 'localhost:8080'],
    ['a bracketed IPv6 address', '[::1]'],
    ['userinfo', 'user@host'],
    ['a path', 'gateway.internal/x'],
    ['a label starting with a hyphen', '-gateway'],
    ['an out-of-range IPv4 address', '256.1.1.1'],
    ['a 64-character label', `${'a'.repeat(64)}.example`],
    ['a 300-character name', `${'a'.repeat(60)}.`.repeat(5).slice(0, 300)],
  ])('refuses %s (%j) with one line naming HOST', (_what, host) => {
    const issues = issuesOf({ HOST: host });
    expect(issues).toEqual([`HOST: expected an IP address or a hostname like localhost or gateway.internal, got ${JSON.stringify(host)}`]);
  });

  it('is reported with the other bad settings, one line each', () => {
    expect(issuesOf({ PORT: 'x', HOST: 'a b' }).map((line) => line.split(':')[0])).toEqual(['PORT', 'HOST']);
  });
});

/** METRICS_HOST (where the METRICS_PORT listener binds) is held to the same rule as HOST. */
describe('METRICS_HOST', () => {
  it('defaults to 127.0.0.1 and takes an address or a hostname', () => {
    expect(load({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(load({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics?.host).toBe('10.0.0.5');
    expect(load({ METRICS_PORT: '9464', METRICS_HOST: 'metrics.internal' }).metrics?.host).toBe('metrics.internal');
  });

  it.each(['http://10.0.0.5', '10.0.0.5:9464', 'a b'])('refuses %j with one line naming METRICS_HOST', (host) => {
    expect(issuesOf({ METRICS_PORT: '9464', METRICS_HOST: host })).toEqual([
      `METRICS_HOST: expected an IP address or a hostname like localhost or gateway.internal, got ${JSON.stringify(host)}`,
    ]);
  });
});
