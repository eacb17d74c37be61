#!/usr/bin/env node
import { loadConfigFromProcess } from './config';
import { adminDeps, compose, processIo, runAdminCommand, runKeysCommand, USAGE, UsageError } from './container';
import { isDomainError } from './domain/errors';
import { fail, start } from './main';

/** `tokengate <command>`: exit 0 on success, non-zero with one clear line on error. */
async function run(args: string[]): Promise<number> {
  const [command] = args;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    processIo.out(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfigFromProcess();
  if (command === 'serve') {
    await start(config);
    return -1;
  }
  if (command === 'keys') {
    const retainSeconds = config.refreshTokenTtl + config.clockSkew;
    runKeysCommand(args.slice(1), { ...config.jwt, retainSeconds, nowMs: Date.now() }, processIo);
    return 0;
  }
  const comp = await compose(config, { logToStderr: true });
  try {
    if (command === 'migrate') {
      if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`);
      processIo.out(`migrated ${comp.storage.description}`);
      return 0;
    }
    await runAdminCommand(args, adminDeps(comp.container), processIo);
    return 0;
  } finally {
    await comp.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`tokengate: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    if (isDomainError(error)) {
      process.stderr.write(`tokengate: ${error.message}\n`);
      process.exit(1);
    }
    fail(error);
  },
);
