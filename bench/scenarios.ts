import type autocannon from 'autocannon';
import { header, type LoadSpec } from './autocannon-load';
import { login, loginMany, type HeldSession } from './sessions';
import { BENCH_USER, stormUsers, type BenchAccount, type TargetId } from './targets';

/** What one measured run sends, built fresh for each run. */
export interface Load {
  /** Path of the URL the load generator drives. */
  path: string;
  /** When set, autocannon drives the load from a child process of its own (measure.ts). */
  spec?: LoadSpec;
  /** Otherwise autocannon drives it from the orchestrator, with these options (loads that call back into it). */
  options?: Omit<autocannon.Options, 'url' | 'connections' | 'duration'>;
  /** When set, wrk drives the load instead of autocannon, sending these header sets in turn. */
  wrkHeaderSets?: Record<string, string>[];
  /** Extra load while the run lasts (the login storm); resolves once `stopped()` is true. */
  during?(stopped: () => boolean): Promise<void>;
  /** A short note for the table (what the extra load or the reissues amounted to). */
  note?(seconds: number): string;
}

export interface LoadContext {
  /** The tokengate that logs the load's sessions in (for a baseline: any tokengate of the run). */
  authBase: string;
  connections: number;
  stormSize: number;
  /** Long-lived sessions of a tokengate target (bearer/cookie loads), one per connection. */
  sessions(): Promise<HeldSession[]>;
}

export interface Scenario {
  id: string;
  label: string;
  /** Measured in the same round; ratios are against it. */
  baseline: TargetId | null;
  targets: TargetId[];
  /** Driven by wrk (its load gives `wrkHeaderSets`); skipped when wrk is missing. */
  wrk?: boolean;
  load(ctx: LoadContext): Promise<Load>;
}

const PROXIED = '/api/items/1';
const bearer = (token: string) => `Bearer ${token}`;

/** Each connection gets its own session, as real clients do. */
function perClient(pool: HeldSession[], apply: (client: autocannon.Client, s: HeldSession, index: number) => void) {
  let next = 0;
  return (client: autocannon.Client) => {
    const index = next++;
    apply(client, pool[index % pool.length] as HeldSession, index);
  };
}

const staticHeaders = (path: string, pool: HeldSession[], headers: (s: HeldSession) => Record<string, string>): Load => ({
  path,
  spec: { perConnection: pool.map(headers) },
});

/** The same headers as {@link staticHeaders}, sent by wrk: each request takes the next session's. */
const wrkHeaders = (path: string, pool: HeldSession[], headers: (s: HeldSession) => Record<string, string>): Load => ({
  path,
  wrkHeaderSets: pool.map(headers),
});

function mixedLoad(pool: HeldSession[]): Load {
  let reissued = 0;
  return {
    path: PROXIED,
    options: {
      setupClient: perClient(pool, (client, s, index) => {
        let n = (index * 7) % 100;
        client.setRequests([
          {
            method: 'GET',
            path: PROXIED,
            setupRequest: (req) => {
              n++;
              // 1 request in 100: the access token expired, the refresh token still good.
              req.headers = n % 100 === 0 ? { authorization: bearer(s.expiredAccess), 'x-refresh-token': s.refresh } : { authorization: bearer(s.access) };
              return req;
            },
            onResponse: (_status, _body, _ctx, headers) => {
              const access = header(headers, 'x-access-token');
              const refresh = header(headers, 'x-refresh-token');
              if (access) (s.access = access), reissued++;
              if (refresh) s.refresh = refresh;
            },
          },
        ]);
      }),
    },
    note: (seconds) => `${Math.round(reissued / seconds)} reissues/s`,
  };
}

/** Each connection spends its refresh token; the answer's new one is the connection's next (a chain, none reused). */
const refreshLoad = (pool: HeldSession[]): Load => ({
  path: '/auth/refresh',
  spec: { method: 'POST', perConnection: pool.map((s) => ({ 'x-refresh-token': s.refresh })), chain: 'x-refresh-token' },
});

function stormLoad(ctx: LoadContext, pool: HeldSession[]): Load {
  let logins = 0;
  let failed = 0;
  let firstFailure = '';
  // A wave spread over several accounts, each under the per-account ceiling (targets.ts).
  const accounts = stormUsers(ctx.stormSize);
  const users = Array.from({ length: ctx.stormSize }, (_, i) => accounts[i % accounts.length] as BenchAccount);
  return {
    ...staticHeaders(PROXIED, pool, (s) => ({ authorization: bearer(s.access) })),
    during: async (stopped) => {
      while (!stopped()) {
        const wave = await Promise.allSettled(users.map((user) => login(ctx.authBase, user)));
        for (const r of wave) {
          if (r.status === 'fulfilled') logins++;
          else if (failed++ === 0) firstFailure = r.reason instanceof Error ? r.reason.message : String(r.reason);
        }
      }
    },
    note: (seconds) => `${Math.round(logins / seconds)} logins/s alongside${failed ? `, ${failed} failed (${firstFailure.slice(0, 80)})` : ''}`,
  };
}

/** Every scenario of issues 5 and 13, in table order. */
export const SCENARIOS: Scenario[] = [
  {
    id: 'bearer',
    label: 'proxied GET, bearer token',
    baseline: 'bare-proxy',
    targets: ['tg-sqlite', 'tg-sqlite-nocache', 'tg-mysql', 'tg-workers', 'bare-proxy-workers', 'fastify-peer'],
    load: async (ctx) => staticHeaders(PROXIED, await ctx.sessions(), (s) => ({ authorization: bearer(s.access) })),
  },
  {
    id: 'cookie',
    label: 'proxied GET, cookies',
    baseline: 'bare-proxy',
    targets: ['tg-sqlite', 'tg-mysql'],
    load: async (ctx) => staticHeaders(PROXIED, await ctx.sessions(), (s) => ({ cookie: `access_token=${s.access}; refresh_token=${s.refresh}` })),
  },
  {
    id: 'verify',
    label: 'GET /auth/verify, bearer',
    baseline: 'bare-200',
    targets: ['bare-200-identity', 'tg-sqlite', 'tg-mysql', 'tg-workers', 'bare-200-identity-workers', 'verify-peer'],
    load: async (ctx) => staticHeaders('/auth/verify', await ctx.sessions(), (s) => ({ authorization: bearer(s.access) })),
  },
  {
    id: 'nginx',
    label: 'nginx auth_request, proxied GET, bearer',
    baseline: 'nginx-verify-peer',
    targets: ['nginx-tg'],
    load: async (ctx) => staticHeaders(PROXIED, await ctx.sessions(), (s) => ({ authorization: bearer(s.access) })),
  },
  {
    // What a second core gives: wrk and an nginx upstream take a fraction of the CPU that
    // autocannon and the Node upstream take from the two cores (docs/performance.md).
    id: 'scaling',
    label: 'proxied GET, bearer, under wrk, nginx upstream',
    baseline: 'scale-bare-proxy',
    targets: ['scale-tg', 'scale-tg-workers', 'scale-bare-proxy-workers'],
    wrk: true,
    load: async (ctx) => wrkHeaders(PROXIED, await ctx.sessions(), (s) => ({ authorization: bearer(s.access) })),
  },
  {
    id: 'refresh',
    label: 'POST /auth/refresh, rotation',
    baseline: null,
    targets: ['tg-sqlite', 'tg-mysql'],
    load: async (ctx) => refreshLoad(await loginMany(ctx.authBase, ctx.connections)),
  },
  {
    id: 'login',
    label: 'POST /auth/login',
    baseline: null,
    targets: ['tg-sqlite', 'tg-mysql'],
    load: async () => ({
      path: '/auth/login',
      spec: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(BENCH_USER) },
    }),
  },
  {
    id: 'mixed',
    label: 'mixed: 1% expired access + refresh',
    baseline: 'bare-proxy',
    targets: ['tg-sqlite', 'tg-mysql'],
    load: async (ctx) => mixedLoad(await loginMany(ctx.authBase, ctx.connections)),
  },
  {
    id: 'storm',
    label: 'proxied GET during login storm',
    baseline: null,
    targets: ['tg-sqlite'],
    load: async (ctx) => stormLoad(ctx, await ctx.sessions()),
  },
];
