/** Fields that may hold a secret wherever they appear (down to four levels deep). */
const SECRET_FIELDS = ['password', 'accessToken', 'refreshToken', 'token', 'passwordHash', 'secret', 'privateKeyPem'];

/** Headers that carry credentials, on requests and responses alike. */
const SECRET_HEADERS = ['authorization', 'cookie', '"set-cookie"', '"x-refresh-token"', '"x-access-token"'];
const HEADER_HOLDERS = ['req.headers', 'res.headers', 'headers', '*.headers'];

const header = (holder: string, name: string): string =>
  name.startsWith('"') ? `${holder}[${name}]` : `${holder}.${name}`;

/** pino `redact` paths: each wildcard level is listed because `*` matches one key only. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]),
  ...HEADER_HOLDERS.flatMap((holder) => SECRET_HEADERS.map((name) => header(holder, name))),
];
