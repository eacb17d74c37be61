import { ReplyError } from 'ioredis';
import { parseDatabaseUrl } from '../../../src/adapters/storage/database-url';
import { openStorage } from '../../../src/adapters/storage/open-storage';
import { guardRedis, isRedisUnavailable } from '../../../src/adapters/storage/redis-errors';
import { describeRedisTarget, parseRedisUrl } from '../../../src/adapters/storage/redis-url';
import { DomainError } from '../../../src/domain/errors';

const reply = (message: string): Error => new ReplyError(message) as Error;

describe('parseRedisUrl (SESSION_STORE_URL)', () => {
  it.each([
    ['redis://127.0.0.1:6379/0', { host: '127.0.0.1', port: 6379, db: 0, username: '', password: '', tls: false }],
    ['redis://cache.internal', { host: 'cache.internal', port: 6379, db: 0, username: '', password: '', tls: false }],
    ['redis://:p%40ss@cache:6380/3', { host: 'cache', port: 6380, db: 3, username: '', password: 'p@ss', tls: false }],
    ['rediss://tg:secret@[::1]:6379/1', { host: '::1', port: 6379, db: 1, username: 'tg', password: 'secret', tls: true }],
  ])('%s', (url, expected) => {
    expect(parseRedisUrl(url)).toStrictEqual(expected);
  });

  it.each(['redis://', 'redis://h:6379/x', 'redis://h/0?prefix=a', 'http://h:6379', 'sqlite:x', 'redis://u:hunter2@h/db'])(
    'rejects %j with one line naming the accepted forms and no password',
    (url) => {
      expect(() => parseRedisUrl(url)).toThrow(/^Unsupported SESSION_STORE_URL .*redis:\/\/\[user:pass@\]host:6379\/0/);
      expect(() => parseRedisUrl(url)).not.toThrow(/hunter2|\n/);
    },
  );

  it('describes the store without its password', () => {
    expect(describeRedisTarget(parseRedisUrl('rediss://tg:secret@cache:6380/2'))).toBe('rediss://tg:***@cache:6380/2');
    expect(describeRedisTarget(parseRedisUrl('redis://:secret@cache'))).toBe('redis://:***@cache:6379/0');
    expect(describeRedisTarget(parseRedisUrl('redis://cache'))).toBe('redis://cache:6379/0');
  });

  it('openStorage rejects a bad SESSION_STORE_URL before opening anything', async () => {
    await expect(openStorage('sqlite::memory:', { sessionStoreUrl: 'memcached://x' })).rejects.toThrow(
      /^Unsupported SESSION_STORE_URL/,
    );
  });

  it('DATABASE_URL=redis://… points to SESSION_STORE_URL, without the password', () => {
    expect(() => parseDatabaseUrl('redis://:hunter2@cache:6379/0')).toThrow(
      /^Unsupported DATABASE_URL "redis:\/\/:\*\*\*@cache:6379\/0": Redis holds sessions only: set SESSION_STORE_URL/,
    );
  });
});

describe('Redis error mapping', () => {
  it.each([
    reply('LOADING Redis is loading the dataset in memory'),
    reply('READONLY You cannot write against a read only replica.'),
    reply('NOAUTH Authentication required.'),
    reply('WRONGPASS invalid username-password pair or user is disabled.'),
    reply('OOM command not allowed when used memory > maxmemory.'),
    reply('BUSY Redis is busy running a script.'),
    new Error('Connection is closed.'),
    new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  ])('treats %p as storage unavailable', (err) => {
    expect(isRedisUnavailable(err)).toBe(true);
  });

  it.each([
    reply('WRONGTYPE Operation against a key holding the wrong kind of value'),
    reply('ERR Error running script, user_script:3: attempt to compare nil with number'),
    new TypeError('x is not a function'),
    new DomainError('invalid_request', 'nope'),
    null,
    'text',
  ])('does not treat %p as storage unavailable', (err) => {
    expect(isRedisUnavailable(err)).toBe(false);
  });

  it('guardRedis maps connection failures and lets every other error through unchanged', async () => {
    const closed = new Error('Connection is closed.');
    const wrongType = reply('WRONGTYPE Operation against a key holding the wrong kind of value');
    await expect(guardRedis(() => Promise.reject(closed))).rejects.toMatchObject({
      code: 'service_unavailable',
      details: { retryAfterSeconds: 5 },
      cause: closed,
    });
    await expect(guardRedis(() => Promise.reject(wrongType))).rejects.toBe(wrongType);
    await expect(guardRedis(async () => 'OK')).resolves.toBe('OK');
  });
});
