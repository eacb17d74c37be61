import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { AuthenticateRequest, Identity } from '../../application/authenticate-request';
import { DomainError, isDomainError } from '../../domain/errors';
import { hasSecondFactor } from '../../domain/second-factor';
import { crossSiteRefusal, isUnsafeMethod } from '../http/csrf';
import type { RouteMatch, RouteTable } from '../proxy/route-table';
import { NO_REISSUE, type Reissue } from './reissue-headers';
import { readRequest, WHOLE_REQUEST_REFUSALS, type FactsSettings, type RequestFacts } from './request-facts';

/** What admission decided; small writers turn it into a proxied response, a 101, a verify answer or a refusal. */
export type Refused = { kind: 'refuse'; facts: RequestFacts; error: DomainError; reissue: Reissue };
export type Admitted =
  | { kind: 'forward'; facts: RequestFacts; match: RouteMatch; identity: Identity | null; reissue: Reissue }
  | Refused
  | { kind: 'redirect'; facts: RequestFacts; location: string; reissue: Reissue };
export type Verified = { kind: 'pass'; facts: RequestFacts; identity: Identity; reissue: Reissue } | Refused;

/** How a request reached the gateway: the rules differ only where SPEC §5 says so. */
export type Transport = 'http' | 'websocket';

export interface AdmissionSettings extends FactsSettings {
  authPrefix: string;
  corsOrigins: readonly string[];
  /** `MFA_REQUIRED_ROLES`: holders of any pass no route without a second factor; default none. */
  mfaRequiredRoles?: readonly string[];
}

export interface AdmissionDeps {
  routes: RouteTable;
  gate: AuthenticateRequest;
  logger: Logger;
  settings: AdmissionSettings;
}

type Gated = { identity: Identity; reissue: Reissue } | { error: DomainError; reissue: Reissue };

/**
 * The one admission (SPEC §5) for every way a request enters: canonical path → ownership →
 * route → CSRF → the section 3 gate (the storage-free check first, the use-case only when
 * needed) → roles → the login redirect decision. Synchronous when no storage is consulted,
 * a promise otherwise; it never writes anything.
 */
export class Admission {
  private readonly system: Set<string>;
  private readonly prefixKey: string;

  constructor(private readonly deps: AdmissionDeps, systemPaths: readonly string[]) {
    this.system = new Set(systemPaths);
    this.prefixKey = deps.settings.authPrefix.toLowerCase();
  }

  read(req: IncomingMessage, requestId?: string): RequestFacts {
    return readRequest(req, this.deps.settings, requestId);
  }

  /**
   * Whether tokengate answers this request itself (its prefix, health, metrics, JWKS): by the
   * canonical key, or by the raw path when there is none. Never a request refused as a whole
   * (no `Host`, a body in a coding other than `chunked`): the proxy's admission refuses it
   * (400), on every transport.
   */
  owns(facts: RequestFacts): boolean {
    if (facts.refusal !== null && WHOLE_REQUEST_REFUSALS.has(facts.refusal)) return false;
    const key = facts.canonical?.key ?? (facts.req.url ?? '').split('?', 1)[0]!.toLowerCase();
    return key === this.prefixKey || key.startsWith(`${this.prefixKey}/`) || this.system.has(key);
  }

  /** A request for an upstream (proxied HTTP or a WebSocket handshake). */
  proxy(facts: RequestFacts, transport: Transport): Admitted | Promise<Admitted> {
    if (facts.method === 'CONNECT') return refuse(facts, new DomainError('invalid_request', 'CONNECT is not supported: tokengate is not a forward proxy'));
    if (!facts.canonical) return refuse(facts, new DomainError('invalid_request', facts.refusal ?? 'the path is malformed'));
    const match = this.deps.routes.match(facts.canonical);
    if (!match) return refuse(facts, new DomainError('not_found', 'no route for this path'));
    if (match.route.public) return { kind: 'forward', facts, match, identity: null, reissue: NO_REISSUE };
    const gated = this.gate(facts, transport === 'websocket');
    const finish = (g: Gated): Admitted => {
      if ('error' in g) return this.refuseOrRedirect(facts, g.error, g.reissue, transport);
      const roles = match.route.roles;
      if (roles && !roles.some((r) => g.identity.roles.includes(r))) {
        return { kind: 'refuse', facts, error: new DomainError('forbidden', 'this route needs a role you do not have'), reissue: g.reissue };
      }
      if (this.needsSecondFactor(match.route.mfa === true, g.identity)) return this.refuseWithoutSecondFactor(facts, g.reissue, transport);
      return { kind: 'forward', facts, match, identity: g.identity, reissue: g.reissue };
    };
    return gated instanceof Promise ? gated.then(finish) : finish(gated);
  }

  /**
   * Forward-auth (`<prefix>/verify`) and tokengate's own authenticated endpoints: CSRF and the
   * gate, no route. Forward-auth also holds a holder of a `MFA_REQUIRED_ROLES` role to a second
   * factor (403 `mfa_required`), as the proxy does on every route: the request it vouches for
   * goes on to an app. tokengate's own endpoints do not, or such a user could never reach
   * `<prefix>/2fa` to enrol.
   */
  verify(facts: RequestFacts, purpose: 'forward-auth' | 'own' = 'own'): Verified | Promise<Verified> {
    const gated = this.gate(facts, false);
    const finish = (g: Gated): Verified => {
      if ('error' in g) return { kind: 'refuse', facts, error: g.error, reissue: g.reissue };
      if (purpose === 'forward-auth' && this.needsSecondFactor(false, g.identity)) {
        return { kind: 'refuse', facts, error: new DomainError('mfa_required', 'your role needs a login with a second factor'), reissue: g.reissue };
      }
      return { kind: 'pass', facts, identity: g.identity, reissue: g.reissue };
    };
    return gated instanceof Promise ? gated.then(finish) : finish(gated);
  }

  /** CSRF first for cookie-borne tokens (a forged request never rotates anything), then SPEC §3. */
  private gate(facts: RequestFacts, handshake: boolean): Gated | Promise<Gated> {
    const { tokens } = facts;
    if (tokens.viaCookie && (handshake || isUnsafeMethod(facts.method))) {
      const { protocol, host } = facts.client;
      const refused = crossSiteRefusal(facts.req, `${protocol}://${host}`, this.deps.settings.corsOrigins);
      if (refused) return { error: refused, reissue: NO_REISSUE };
    }
    const identity = this.deps.gate.passWithoutStorage(tokens);
    if (identity) return { identity, reissue: NO_REISSUE };
    const ua = facts.req.headers['user-agent'];
    const context = { ip: facts.client.ip || null, userAgent: ua ? ua.slice(0, 512) : null, requestId: facts.requestId };
    return this.deps.gate.execute(tokens, context).then(
      (result): Gated => ({ identity: result.identity, reissue: { tokens: result.reissued, viaHeader: tokens.viaHeader } }),
      (e: unknown): Gated => {
        if (isDomainError(e)) return { error: e, reissue: NO_REISSUE };
        this.deps.logger.error({ err: e, requestId: facts.requestId }, 'unhandled error');
        return { error: new DomainError('internal_error', 'internal error'), reissue: NO_REISSUE };
      },
    );
  }

  /** The route asks for it, or the user holds a role of `MFA_REQUIRED_ROLES`, and the session's login had none. */
  private needsSecondFactor(routeMfa: boolean, identity: Identity): boolean {
    if (hasSecondFactor(identity.amr)) return false;
    return routeMfa || (this.deps.settings.mfaRequiredRoles ?? []).some((r) => identity.roles.includes(r));
  }

  /** A password-only session on an `"mfa": true` route: 403 `mfa_required`, HTML navigations to `<prefix>/2fa` (SPEC §12). */
  private refuseWithoutSecondFactor(facts: RequestFacts, reissue: Reissue, transport: Transport): Admitted {
    if (transport === 'http' && wantsLoginPage(facts.req)) {
      const { path, search } = facts.canonical!;
      return { kind: 'redirect', facts, location: `${this.deps.settings.authPrefix}/2fa?rd=${encodeURIComponent(path + search)}`, reissue };
    }
    return { kind: 'refuse', facts, error: new DomainError('mfa_required', 'this route needs a login with a second factor'), reissue };
  }

  /** Rejections: `Accept: text/html` navigations go to the login page (SPEC §5), others get the error. */
  private refuseOrRedirect(facts: RequestFacts, error: DomainError, reissue: Reissue, transport: Transport): Admitted {
    const loginCase = error.code !== 'forbidden' && error.code !== 'service_unavailable' && error.code !== 'internal_error';
    if (transport === 'http' && loginCase && wantsLoginPage(facts.req)) {
      const { path, search } = facts.canonical!;
      return { kind: 'redirect', facts, location: `${this.deps.settings.authPrefix}/login?rd=${encodeURIComponent(path + search)}`, reissue };
    }
    return { kind: 'refuse', facts, error, reissue };
  }
}

/**
 * Runs `use` on an admission result, now or when its promise settles; a throw in either
 * (a bug, a header Node refuses) goes to `fail` instead of becoming an unhandled rejection.
 */
export function settle<T>(result: T | Promise<T>, use: (value: T) => void, fail: (error: unknown) => void): void {
  if (result instanceof Promise) {
    result.then(use).catch(fail);
    return;
  }
  try {
    use(result);
  } catch (e) {
    fail(e);
  }
}

const refuse = (facts: RequestFacts, error: DomainError): Refused => ({ kind: 'refuse', facts, error, reissue: NO_REISSUE });

/** A browser navigation (not an XHR or fetch) that should land on the login page. */
function wantsLoginPage(req: IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const h = req.headers;
  const mode = h['sec-fetch-mode'];
  if (h['x-requested-with'] || mode === 'cors' || mode === 'no-cors' || mode === 'same-origin') return false;
  return (h.accept ?? '').toLowerCase().includes('text/html');
}
