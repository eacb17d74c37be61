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
 * already censored object. Without `destination`, logs go to standard output, pretty or JSON
 * as {@link wantsPrettyLogs} decides (JSON when settings carry no `logFormat`).
 */
export function createLogger(config: LoggerSettings, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: [...SECRET_FIELDS], censor: CENSOR },
    formatters: { log: (object) => censorSecrets(object) },
    serializers: {
      err: (e: Error) => censorSerialized(pino.stdSerializers.err(e)),
      req: (req) => censorSerialized(pino.stdSerializers.req(req)),
      res: (res) => censorSerialized(pino.stdSerializers.res(res)),
    },
  };
  const pretty = !destination && wantsPrettyLogs(config.logFormat ?? 'json', config.production ?? false, process.stdout.isTTY === true);
  const target = destination ?? (pretty ? prettyStdout() : null);
  return target ? pino(options, target) : pino(options);
}
