import { lifetimeOf } from './jwt';
import { RefreshScheduler, retryOf, type Attempt } from './scheduler';
import { underLock } from './tabs';

import type { ClientEvents, ClientOptions, Client, Identity } from './types';

export type * from './types';

interface Grant {
  accessToken?: string | null;
  refreshToken?: string | null;
  expiresIn?: number;
}

/** Messages between the tabs of one origin: new tokens (`a`, `r`: header mode) valid until `e`, logged out (`o`), who has tokens (`q`). */
type Message = { e?: number; a?: string; r?: string; o?: 1; q?: 1 };

const ENDS = ['login_required', 'token_revoked', 'token_reused'];

export function createClient(options: ClientOptions = {}): Client {
  const prefix = (options.prefix ?? '/auth').replace(/\/$/, '');
  const header = options.mode === 'header';
  const credentials: RequestCredentials = header ? 'omit' : 'include';
  const listeners: Record<string, Set<(e: never) => void>> = {};
  const name = `tokengate:${options.mode ?? 'cookie'}:${prefix}`;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  let access: string | null = null;
  let refreshToken: string | null = null;
  let expiresAt = 0;
  let generation = 0;
  /** Bumped by every logout or end of session: a refresh that straddles one is ignored. */
  let ends = 0;
  let waiters: (() => void)[] = [];
  let probed = header;

  const emit = <K extends keyof ClientEvents>(type: K, event: ClientEvents[K]): void =>
    listeners[type]?.forEach((fn) => (fn as (e: ClientEvents[K]) => void)(event));
  const raw = (path: string, init: RequestInit = {}): Promise<Response> => fetch(prefix + path, { credentials, ...init });
  const changed = (): void => {
    generation++;
    waiters.forEach((w) => w());
    waiters = [];
  };
  const news = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  const post = (m: Message): void => channel?.postMessage(m);
  const state = (): Message => ({ e: expiresAt, a: access ?? undefined, r: refreshToken ?? undefined });

  /** A token valid for `seconds` from now is in force (with new header-mode tokens); tell the other tabs unless they told us. */
  function learn(seconds: number, grant: Grant = {}, quiet = false): void {
    if (grant.accessToken) access = grant.accessToken;
    if (grant.refreshToken) refreshToken = grant.refreshToken;
    expiresAt = Date.now() + seconds * 1000;
    scheduler.arm(seconds);
    changed();
    emit('token', { expiresAt });
    if (!quiet) post(state());
  }

  function take(grant: Grant): void {
    if (header && grant.accessToken) learn(lifetimeOf(grant.accessToken), grant);
    else if (!header && grant.expiresIn !== undefined) learn(grant.expiresIn);
  }

  function end(tell: boolean): void {
    access = refreshToken = null;
    expiresAt = 0;
    ends++;
    scheduler.stop();
    changed();
    if (tell) post({ o: 1 });
  }

  async function attempt(): Promise<Attempt> {
    if (header && !refreshToken) return 'end';
    const before = generation;
    const session = ends;
    let res: Response;
    try {
      res = await raw('/refresh', {
        method: 'POST',
        headers: header ? { 'x-refresh-token': refreshToken as string } : { 'content-type': 'application/json' },
        body: header ? undefined : '{"renew":true}',
      });
    } catch {
      return { retry: undefined };
    }
    const retry = retryOf(res.status, res.headers.get('retry-after'));
    if (retry) return retry;
    if (session !== ends || (generation !== before && !res.ok)) return 'skip';
    if (!res.ok) {
      end(true);
      return 'end';
    }
    take((await res.json()) as Grant);
    return 'skip';
  }

  const scheduler = new RefreshScheduler(
    { now: Date.now, set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as number) },
    () => underLock(name, attempt, () => generation, news, 'skip' as Attempt),
  );

  channel?.addEventListener('message', ({ data }: MessageEvent<Message>) => {
    if (data.o) end(false);
    else if (data.q) {
      if (access) post(state());
    } else if (data.e && (!header || data.a)) learn((data.e - Date.now()) / 1000, { accessToken: data.a, refreshToken: data.r }, true);
  });
  const boot: Promise<void> = header && channel ? (post({ q: 1 }), news(100)) : Promise.resolve();

  const gateway = new URL(prefix, location.href).origin;
  const mine = (request: Request): boolean => new URL(request.url).origin === gateway;

  async function codeOf(res: Response): Promise<string | null> {
    if (res.redirected && new URL(res.url).pathname === new URL(`${prefix}/login`, location.href).pathname) return 'login_required';
    if (res.status !== 401) return null;
    const challenge = /error="([a-z_]+)"/.exec(res.headers.get('www-authenticate') ?? '');
    if (challenge) return challenge[1] ?? null;
    const body = (await res.clone().json().catch(() => ({}))) as { error?: string };
    return body.error ?? null;
  }

  function unauthenticated(code: string): void {
    end(false);
    let handled = false;
    emit('unauthenticated', { code, preventDefault: () => (handled = true) });
    if (!handled) location.assign(`${prefix}/login?rd=${encodeURIComponent(location.pathname + location.search)}`);
  }

  async function send(request: Request): Promise<Response> {
    if (header && access && mine(request)) request.headers.set('authorization', `Bearer ${access}`);
    const res = await fetch(request);
    if (header) take({ accessToken: res.headers.get('x-access-token'), refreshToken: res.headers.get('x-refresh-token') });
    return res;
  }

  async function clientFetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    let request = new Request(input, init);
    // Tokens and credentials go to the gateway's origin only, never to a third party.
    if (!mine(request)) return fetch(request);
    if (!init?.credentials) request = new Request(request, { credentials });
    if (header && !access) await boot;
    if (!probed) {
      probed = true;
      void raw('/me').then(async (r) => r.ok && learnExp((await r.json()) as Identity));
    }
    if (scheduler.due()) await scheduler.refresh();
    const sent = access;
    let res = await send(request.clone());
    let code = await codeOf(res);
    // In header mode an expired access token meets `login_required`: refresh once, retry once.
    if (code === 'login_required' && header && refreshToken) {
      if (access === sent) await scheduler.refresh();
      if (access && access !== sent) {
        res = await send(request);
        code = await codeOf(res);
      }
    }
    if (code && ENDS.includes(code)) unauthenticated(code);
    return res;
  }

  function learnExp(me: Identity): void {
    if (!header) learn(me.exp - Date.now() / 1000, {}, true);
  }

  async function refused(res: Response): Promise<never> {
    const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string };
    throw Object.assign(new Error(body.error_description ?? body.error ?? res.statusText), { code: body.error ?? 'http_error', status: res.status, body });
  }

  return {
    fetch: clientFetch,
    async login(username, password) {
      const res = await raw('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (!res.ok) return refused(res);
      probed = true;
      take((await res.json()) as Grant);
    },
    async logout(scope = 'local') {
      const headers: Record<string, string> = {};
      if (header && access) headers.authorization = `Bearer ${access}`;
      if (header && refreshToken) headers['x-refresh-token'] = refreshToken;
      try {
        const res = await raw(`/logout?scope=${scope}`, { method: 'POST', headers });
        if (!res.ok) await refused(res);
      } finally {
        if (scope !== 'others') end(true);
      }
    },
    async me() {
      probed = true;
      const res = await clientFetch(`${prefix}/me`);
      if (!res.ok) return refused(res);
      const me = (await res.json()) as Identity;
      learnExp(me);
      return me;
    },
    on(type, listener) {
      const set = (listeners[type] ??= new Set()) as Set<typeof listener>;
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
