import { startDemoUpstream } from './demo-upstream';
import { RouteTable, type Route } from './route-table';

/** The settings upstreams come from (SPEC §5, §9). */
export interface UpstreamOptions {
  upstreamUrl: string | null;
  routesFile: string | null;
  /** Production never starts the demo upstream. */
  production: boolean;
  authPrefix: string;
}

export interface Upstreams {
  routes: RouteTable;
  description: string;
  close(): Promise<void>;
}

/**
 * `ROUTES_FILE` and `UPSTREAM_URL`, or the demo upstream when neither is set outside
 * production. `routes` are read (and a bad file refused) before anything else starts.
 */
export async function resolveUpstreams(config: UpstreamOptions, routes: Route[]): Promise<Upstreams> {
  const fallback = config.upstreamUrl ? new URL(config.upstreamUrl) : null;
  const parts = [
    ...(config.routesFile ? [`${routes.length} route(s) from ${config.routesFile}`] : []),
    ...(fallback ? [fallback.origin + fallback.pathname.replace(/\/$/, '')] : []),
  ];
  if (routes.length > 0 || fallback || config.production) {
    return { routes: new RouteTable(routes, fallback), description: parts.join(', ') || 'none', close: async () => {} };
  }
  const demo = await startDemoUpstream(config.authPrefix);
  return { routes: new RouteTable([], demo.url), description: `built-in demo upstream at ${demo.url.origin}`, close: demo.close };
}
