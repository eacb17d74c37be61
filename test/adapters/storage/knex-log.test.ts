import pino from 'pino';
import { knexLog } from '../../../src/adapters/storage/knex-log';
import { openStorage } from '../../../src/adapters/storage/open-storage';
import { openLoginThrottle } from '../../../src/adapters/throttle/open-login-throttle';
import { LogCapture } from '../../support/e2e-logs';

/** Knex's own messages reach the gateway's logger as JSON lines, never `console.log`. */
function capture() {
  const lines = new LogCapture();
  return { lines, log: knexLog(pino({ level: 'info' }, lines)) };
}

let consoleLog: jest.SpyInstance;
beforeEach(() => {
  consoleLog = jest.spyOn(console, 'log');
});
afterEach(() => consoleLog.mockRestore());

describe('knexLog', () => {
  it('writes warnings, errors and deprecations as structured lines, and drops debug payloads', () => {
    const { lines, log } = capture();
    log.warn?.('Connection Error: Error: read ECONNRESET');
    log.error?.(new Error('pool destroyed'));
    log.deprecate?.('oldMethod', 'newMethod');
    log.debug?.({ sql: 'select * from users where username = ?', bindings: ['alice'] });
    expect(lines.entries()).toEqual([
      expect.objectContaining({ level: 40, component: 'knex', detail: 'Connection Error: Error: read ECONNRESET', msg: 'storage driver warning' }),
      expect.objectContaining({ level: 50, component: 'knex', detail: 'pool destroyed', msg: 'storage driver error' }),
      expect.objectContaining({ level: 40, component: 'knex', detail: 'oldMethod is deprecated; use newMethod' }),
    ]);
    expect(lines.lines.join('')).not.toMatch(/alice|select/);
  });
});

describe('an unreachable MySQL', () => {
  it('storage: the pool error is a log line of its own, not console output, and the query is service_unavailable', async () => {
    const { lines, log } = capture();
    const storage = await openStorage('mysql://tg:hunter2@127.0.0.1:1/tokengate', { driverLog: log });
    try {
      await expect(storage.users.findByUsername('alice')).rejects.toMatchObject({ code: 'service_unavailable' });
    } finally {
      await storage.close();
    }
    const warnings = lines.entries().filter((e) => e.component === 'knex');
    expect(warnings.length).toBeGreaterThan(0);
    expect(String(warnings[0]?.detail)).toMatch(/ECONNREFUSED/);
    expect(lines.lines.join('')).not.toContain('hunter2');
    expect(consoleLog).not.toHaveBeenCalled();
  });

  it('the login throttle counters: the same', async () => {
    const { lines, log } = capture();
    await expect(openLoginThrottle({ count: 10, windowSeconds: 900 }, 'mysql://root@127.0.0.1:1/tokengate', { driverLog: log })).rejects.toBeDefined();
    expect(lines.entries().some((e) => e.component === 'knex' && /ECONNREFUSED/.test(String(e.detail)))).toBe(true);
    expect(consoleLog).not.toHaveBeenCalled();
  });
});
