import pino from 'pino';
import type { Config } from '../../config';
import { CENSOR, censorSecrets, censorSerialized, SECRET_FIELDS } from './censor';

/**
 * The root logger. Secrets are censored here, by configuration, so no call site has to
 * remember to: every log object and the output of the `err`, `req` and `res` serializers
 * pass through {@link censorSecrets}; a child's bindings, which pino serializes once when the
 * child is made, get pino's own `redact` on the secret field names (exact top-level paths,
 * which cost nothing, unlike its wildcard paths: see censor.ts).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): pino.Logger {
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
  return destination ? pino(options, destination) : pino(options);
}
