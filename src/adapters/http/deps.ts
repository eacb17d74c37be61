import type { Logger } from 'pino';
import type { AuthenticateRequest } from '../../application/authenticate-request';
import type { ListSessions } from '../../application/list-sessions';
import type { Login } from '../../application/login';
import type { CompleteMfaLogin } from '../../application/complete-mfa-login';
import type { BeginTotpEnrolment } from '../../application/begin-totp-enrolment';
import type { ConfirmTotpEnrolment } from '../../application/confirm-totp-enrolment';
import type { Logout } from '../../application/logout';
import type { Refresh } from '../../application/refresh';
import type { CookieSettings, TokenCookies } from './cookies';
import type { Admission } from '../admission/admission';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

export interface HttpSettings {
  authPrefix: string;
  cookie: CookieSettings;
  /** Bytes. */
  bodyLimit: number;
  /** Trusted proxies in front (0: ignore `X-Forwarded-*`). */
  trustProxy: number;
  corsOrigins: string[];
  /** The built browser client served at `<prefix>/client.js`; default: the package's `dist/client/client.js`. */
  clientScriptFile?: string;
  /** `METRICS_PORT` is set: `/metrics` lives on its own listener and the public port answers it 404. */
  metricsElsewhere?: boolean;
}

/** Everything the HTTP adapter needs, built by the composition root. */
export interface HttpDeps {
  settings: HttpSettings;
  login: Login;
  completeMfaLogin: CompleteMfaLogin;
  beginTotp: BeginTotpEnrolment;
  confirmTotp: ConfirmTotpEnrolment;
  /** The `otpauth://` URI of a secret (to redraw the QR code after a wrong confirmation code). */
  totpUri: (secret: string, account: string) => string;
  refresh: Refresh;
  logout: Logout;
  gate: AuthenticateRequest;
  listSessions: ListSessions;
  /** Resolves when storage answers; rejects (`service_unavailable`) otherwise. */
  readiness: () => Promise<void>;
  /** Public keys for asymmetric algorithms; null with HS256. */
  jwks: () => object | null;
  logger: Logger;
  metrics: GatewayMetrics;
  /** The one admission: `/auth/me`, `/auth/sessions` and Koa's `/auth/verify` authenticate through it. */
  admission: Admission;
  cookies: TokenCookies;
}
