/** The public types of the browser client (SPEC §11). */

export type Mode = 'cookie' | 'header';
export type LogoutScope = 'local' | 'others' | 'global';

export interface ClientOptions {
  /** Where the auth endpoints are: `/auth` (default), or `https://auth.example.com/auth`. */
  prefix?: string;
  /** `cookie` (default): HttpOnly cookies. `header`: `Authorization: Bearer`, tokens in memory only. */
  mode?: Mode;
}

/** `GET <prefix>/me`. */
export interface Identity {
  sub: string;
  username: string;
  roles: string[];
  sid: string;
  /** Expiry of the access token in force, seconds since the epoch (the gateway's clock). */
  exp: number;
}

export interface UnauthenticatedEvent {
  /** `login_required`, `token_revoked` or `token_reused`. */
  code: string;
  /** Handled by the app: no redirect to the login page. */
  preventDefault(): void;
}

export interface TokenEvent {
  /** When the access token in force expires, milliseconds since the epoch on this page's clock. */
  expiresAt: number;
}

export interface ClientEvents {
  unauthenticated: UnauthenticatedEvent;
  token: TokenEvent;
}

/** A refused `login`, `logout` or `me`: the gateway's error code and status. */
export interface TokengateError extends Error {
  code: string;
  status: number;
}

export interface Client {
  /** `window.fetch` with the session: credentials or `Authorization`, refresh before expiry, one retry. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  login(username: string, password: string): Promise<void>;
  logout(scope?: LogoutScope): Promise<void>;
  me(): Promise<Identity>;
  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(type: K, listener: (event: ClientEvents[K]) => void): () => void;
}
