import pino from 'pino';
import type { Config } from '../../config';
import { REDACT_PATHS } from './redact-paths';

/**
 * The root logger. Secrets are redacted here, by configuration, so no call site has to
 * remember to: see {@link REDACT_PATHS}. `req`/`res` go through pino's standard serializers,
 * which is the shape those paths are written for.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
    serializers: { err: pino.stdSerializers.err, req: pino.stdSerializers.req, res: pino.stdSerializers.res },
  };
  return destination ? pino(options, destination) : pino(options);
}
