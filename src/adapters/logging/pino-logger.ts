import pino from 'pino';
import { CENSOR, censorSecrets, censorSerialized, SECRET_FIELDS } from './censor';

export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Pretty lines for a person at a terminal, JSON lines for machines: `auto` pretty-prints only
 * when standard output is a terminal and `NODE_ENV` is not production (never in production,
 * never when piped to a file or a log shipper); `json` and `pretty` force one or the other.
 */
export function wantsPrettyLogs(format: LogFormat, production: boolean, isTTY: boolean): boolean {
  return format === 'auto' ? isTTY && !production : format === 'pretty';
}

/** pino-pretty on standard output, written synchronously so no line is lost at exit; null when it is not installed. */
function prettyStdout(): pino.DestinationStream | null {
  try {
    const pretty = require('pino-pretty') as (options: object) => pino.DestinationStream;
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
  } catch {
    return null;
  }
}

/** What the logger needs of the settings (`LOG_LEVEL`, `LOG_FORMAT`, `NODE_ENV`). */
export interface LoggerSettings {
  logLevel: pino.LevelWithSilent;
  logFormat?: 'auto' | 'json' | 'pretty';
  production?: boolean;
}

/**
 * The root logger. Secrets are censored here, by configuration, so no call site has to
 * remember to: every log object and the output of the `err`, `req` and `res` serializers
 * pass through {@link censorSecrets}; a child's bindings, which pino serializes once when the
 * child is made, get pino's own `redact` on the secret field names (exact top-level paths,
 * which cost nothing, unlike its wildcard paths: see censor.ts). Pretty printing formats the
 * already censored object. Errors are logged without their stack or SQL ({@link serializeError}).
 * Without `destination`, logs go to standard output, pretty or JSON
 * as {@link wantsPrettyLogs} decides (JSON when settings carry no `logFormat`).
 */
export function createLogger(config: LoggerSettings, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: [...SECRET_FIELDS], censor: CENSOR },
    formatters: { log: (object) => censorSecrets(object) },
    serializers: {
      err: serializeError,
      req: (req) => censorSerialized(pino.stdSerializers.req(req)),
      res: (res) => censorSerialized(pino.stdSerializers.res(res)),
    },
  };
  const pretty = !destination && wantsPrettyLogs(config.logFormat ?? 'json', config.production ?? false, process.stdout.isTTY === true);
  const target = destination ?? (pretty ? prettyStdout() : null);
  return target ? pino(options, target) : pino(options);
}

/** Fields of a serialized error that never reach a log: where it ran (`stack`), a driver's query and its values. */
const WITHHELD_ERROR_FIELDS = new Set(['stack', 'sql', 'bindings']);
/** Nested errors (`aggregateErrors`, an error-valued field) are followed this deep. */
const MAX_ERROR_DEPTH = 4;

/**
 * The `err` serializer: pino's (type, message with its causes', code and the error's other
 * fields) without a stack trace or a driver's SQL, at any depth (SPEC §4: "never a stack trace,
 * SQL, or a token in a body or a log"), then censored like every log object. The request id
 * on the same line finds the request; the type, message and code say what failed.
 */
export function serializeError(e: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(e) as unknown;
  if (typeof serialized !== 'object' || serialized === null) return { message: String(serialized) };
  return censorSerialized(withheld(serialized as Record<string, unknown>, 0));
}

function withheld(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (WITHHELD_ERROR_FIELDS.has(key)) continue;
    const v = value[key];
    out[key] = depth < MAX_ERROR_DEPTH ? nestedWithheld(v, depth + 1) : v;
  }
  return out;
}

function nestedWithheld(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return value.map((item) => nestedWithheld(item, depth));
  if (typeof value === 'object' && value !== null && 'message' in value && ('type' in value || 'stack' in value)) {
    return withheld(value as Record<string, unknown>, depth);
  }
  return value;
}
