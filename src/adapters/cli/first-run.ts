import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AddUser } from '../../application/add-user';
import type { UserRepository } from '../../domain/ports/user-repository';

export const DEMO_USERNAME = 'demo';

/**
 * Outside production, an empty user table gets a `demo` user with a random password,
 * printed once. Returns the password when it made the user, else null. Not made when the log
 * would show its password to nobody (`LOG_LEVEL=silent`, see {@link demoLineLevel}).
 */
export async function ensureDemoUser(users: UserRepository, addUser: AddUser, production: boolean, logger: Pick<Logger, 'isLevelEnabled'>): Promise<string | null> {
  if (production || demoLineLevel(logger) === null || (await users.count()) > 0) return null;
  const password = randomBytes(12).toString('base64url');
  await addUser.execute({ username: DEMO_USERNAME, password, roles: ['demo'] });
  return password;
}

export interface StartupFacts {
  url: string;
  storage: string;
  upstream: string;
  demoPassword: string | null;
  authPrefix: string;
  /** Where `/metrics` is served when `METRICS_PORT` is set; null when it is on the public port. */
  metricsUrl?: string | null;
}

/** The first log lines: where it listens, which store and upstream, and how to log in. */
export function logStartup(logger: Logger, facts: StartupFacts): void {
  logger.info(`tokengate listening on ${facts.url}`);
  logger.info(`storage: ${facts.storage}`);
  logger.info(`upstream: ${facts.upstream}`);
  if (facts.metricsUrl) logger.info(`metrics: ${facts.metricsUrl} (not on the public port)`);
  if (facts.demoPassword) logDemoUser(logger, facts.demoPassword);
  // A form post: no quotes to escape, so the line reads (and copies) the same in JSON logs.
  logger.info(`log in: curl -s -X POST ${facts.url}${facts.authPrefix}/login -d username=${DEMO_USERNAME} -d password=${facts.demoPassword ?? '<password>'}`);
}

/**
 * The level the demo password's line is written at: `info`, or the first level above it that
 * `LOG_LEVEL` still shows (`LOG_LEVEL=warn` must not lose the only copy of the password);
 * null when it shows none.
 */
export function demoLineLevel(logger: Pick<Logger, 'isLevelEnabled'>): 'info' | 'warn' | 'error' | 'fatal' | null {
  for (const level of ['info', 'warn', 'error', 'fatal'] as const) if (logger.isLevelEnabled(level)) return level;
  return null;
}

/** Writes {@link demoUserLine} at {@link demoLineLevel}. */
export function logDemoUser(logger: Logger, password: string): void {
  const level = demoLineLevel(logger);
  if (level) logger[level](demoUserLine(password));
}

/** The one line that shows the demo password (base64url: nothing a JSON log needs to escape). */
export function demoUserLine(password: string): string {
  return `created user ${DEMO_USERNAME} with password ${password} (shown once; change it with: npm run tokengate -- user passwd ${DEMO_USERNAME})`;
}
