import { canonicalPath } from '../../../src/adapters/admission/canonical-path';
import { RouteTable, type Route } from '../../../src/adapters/proxy/route-table';

/** What one match hands the proxy: the route, the path to request and the origin to request it from. */

const route = (prefix: string, upstream: string, stripPrefix = false): Route => ({
  prefix, key: prefix.toLowerCase(), upstream: new URL(upstream), public: false, stripPrefix, roles: null,
});

const table = new RouteTable(
  [route('/api', 'http://10.0.0.5:9000/base/'), route('/api/v2', 'https://b.internal:8443', true)],
  new URL('http://127.0.0.1:7000'),
);

it.each([
  ['/api/items?x=1', 'http://10.0.0.5:9000', '/base/api/items?x=1'],
  ['/API/v2/x', 'https://b.internal:8443', '/x'],
  ['/elsewhere', 'http://127.0.0.1:7000', '/elsewhere'],
])('%s goes to %s as %s', (target, origin, upstreamPath) => {
  const match = table.match(canonicalPath(target));
  expect(match).toMatchObject({ origin, upstreamPath });
  expect(match!.origin).toBe(match!.route.upstream.origin);
});
