import http from 'node:http';
import { ConfigError, loadConfigFromProcess, type Config } from './config';
import { TIMER_MAX_MS } from './adapters/system/setting-parsers';
import { compose, createLogger, logDemoUser, logStartup, runWorkers, seedDemoUser, TYPES } from './container';

/** Starts the gateway; resolves once listening. SIGTERM/SIGINT stop it gracefully (exit 0). */
export async function serve(config: Config): Promise<http.Server> {
  const comp = await compose(config);
  const logger = comp.container.get(TYPES.Logger);
  const demoPassword = await seedDemoUser(comp, logger);
  const server = comp.server();
  const port = await listen(server, config.port, config.host, 'PORT/HOST');
  const metricsServer = config.metrics ? http.createServer(comp.metricsHandler) : null;
  const metricsPort = metricsServer && config.metrics ? await listen(metricsServer, config.metrics.port, config.metrics.host, 'METRICS_PORT') : null;
  const shown = (host: string) => (host === '0.0.0.0' || host === '::' ? 'localhost' : host);
  logStartup(logger, {
    url: `http://${shown(config.host)}:${port}`,
    storage: comp.storage.description,
    upstream: comp.upstream,
    demoPassword,
    authPrefix: config.authPrefix,
    metricsUrl: config.metrics && metricsPort !== null ? `http://${shown(config.metrics.host)}:${metricsPort}/metrics` : null,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutSeconds: config.shutdownTimeout }, 'stopping: no new connections, draining in-flight requests');
    comp.drain();
    metricsServer?.close();
    const force = setTimeout(() => server.closeAllConnections(), config.shutdownTimeout * 1000).unref();
    // Connections that finish their in-flight request go idle: close them as they do.
    const reaper = setInterval(() => server.closeIdleConnections(), 100).unref();
    server.close(() => {
      clearTimeout(force);
      clearInterval(reaper);
      comp.close().finally(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return server;
}

/**
 * Listens; resolves with the bound port (the given one, or the one the system chose for 0).
 * A failure (address in use or not on this machine, a host name that does not resolve) is
 * one line naming the settings it came from.
 */
async function listen(server: http.Server, port: number, host: string, settings: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: Error) => reject(new Error(`${settings}: cannot listen on ${host}:${port}: ${e.message}`)));
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/**
 * `WORKERS` > 1: the primary migrates the store and creates the first-run user once, then
 * forks the workers, each a whole gateway (`serve`) on the shared listening socket.
 */
export async function serveWorkers(config: Config): Promise<void> {
  const logger = createLogger(config);
  await runWorkers({
    workers: config.workers,
    logger,
    prepare: async () => {
      const comp = await compose(config, { logger, defaultMetrics: false });
      try {
        const demoPassword = await seedDemoUser(comp, logger);
        if (demoPassword) logDemoUser(logger, demoPassword);
      } finally {
        await comp.close();
      }
    },
    serve: () => serve(config),
    // Capped where a Node timer's reach ends (SHUTDOWN_TIMEOUT itself is, by its parser).
    pool: { stopTimeoutMs: Math.min((config.shutdownTimeout + 5) * 1000, TIMER_MAX_MS) },
  });
}

/** What `npm start` and `tokengate serve` run: one gateway process, or `WORKERS` of them. */
export function start(config: Config): Promise<unknown> {
  return config.workers > 1 ? serveWorkers(config) : serve(config);
}

/** One clear line and a non-zero exit for anything that stops the start. */
export function fail(error: unknown): never {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`tokengate: ${message}\n`);
  process.exit(1);
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfigFromProcess();
  } catch (e) {
    fail(e);
  }
  start(config).catch(fail);
}
