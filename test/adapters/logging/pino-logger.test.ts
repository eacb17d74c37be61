import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { createLogger } from '../../../src/adapters/logging/pino-logger';
import { captureStream } from './capture';
import { SQL_TEXT, STACK_FRAME } from '../../support/e2e-logs';

const SECRETS = ['S3cret-pw', 'eyJ.access.tok', 'eyJ.refresh.tok', 'sid=abc123', 'Bearer eyJ.bearer', 'tok-777'];

describe('createLogger', () => {
  it('honours the configured level', () => {
    const out = captureStream();
    const log = createLogger({ logLevel: 'warn' }, out);
    log.info('hidden');
    log.warn('shown');
    expect(out.records().map((r) => r.msg)).toEqual(['shown']);
  });

  it('redacts credential headers of requests and responses', () => {
    const out = captureStream();
    createLogger({ logLevel: 'info' }, out).info({
      req: { method: 'GET', url: '/x', headers: { authorization: 'Bearer eyJ.bearer', cookie: 'sid=abc123', 'x-refresh-token': 'eyJ.refresh.tok', 'x-access-token': 'eyJ.access.tok', 'user-agent': 'curl' } },
      res: { statusCode: 200, headers: { 'set-cookie': ['sid=abc123'], 'x-access-token': 'eyJ.access.tok' } },
    });
    const text = out.text();
    for (const secret of SECRETS.slice(1, 5)) expect(text).not.toContain(secret);
    expect(text).toContain('curl');
    expect(text).toContain('[Redacted]');
  });

  it('redacts a real ServerResponse after the standard serializer', () => {
    const out = captureStream();
    const req = new IncomingMessage(new Socket());
    req.headers = { authorization: 'Bearer eyJ.bearer', host: 'gw' };
    const res = new ServerResponse(req);
    res.setHeader('set-cookie', ['access_token=eyJ.access.tok; HttpOnly']);
    res.setHeader('x-refresh-token', 'eyJ.refresh.tok');
    createLogger({ logLevel: 'info' }, out).info({ req, res }, 'done');
    const text = out.text();
    expect(text).not.toContain('eyJ');
    expect(out.records()[0]).toMatchObject({ req: { headers: { host: 'gw' } }, msg: 'done' });
  });

  it('redacts password and token fields wherever they sit', () => {
    const out = captureStream();
    createLogger({ logLevel: 'info' }, out).info({
      password: 'S3cret-pw',
      body: { username: 'alice', password: 'S3cret-pw', refreshToken: 'eyJ.refresh.tok' },
      result: { tokens: { accessToken: 'eyJ.access.tok', token: 'tok-777' } },
      upstream: { headers: { authorization: 'Bearer eyJ.bearer' } },
    });
    const text = out.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('alice');
  });

  it('redacts secrets deep in objects and arrays, and credential headers in any letter case', () => {
    const out = captureStream();
    createLogger({ logLevel: 'info' }, out).info({
      a: { b: { c: { d: { e: { password: 'S3cret-pw' } } } } },
      list: [{ sessions: [{ refreshToken: 'eyJ.refresh.tok' }] }],
      call: { upstream: { Headers: { Authorization: 'Bearer eyJ.bearer', Cookie: 'sid=abc123', Accept: 'text/html' } } },
    });
    const text = out.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(out.records()[0]).toMatchObject({ call: { upstream: { Headers: { Accept: 'text/html', Authorization: '[Redacted]' } } } });
  });

  it('redacts secret properties of a logged error, keeping its message', () => {
    const out = captureStream();
    const err = Object.assign(new Error('refresh failed'), { token: 'tok-777', details: { accessToken: 'eyJ.access.tok' } });
    createLogger({ logLevel: 'info' }, out).error({ err }, 'failed');
    const text = out.text();
    expect(text).not.toContain('tok-777');
    expect(text).not.toContain('eyJ.access.tok');
    expect(out.records()[0]).toMatchObject({ err: { message: 'refresh failed', token: '[Redacted]' } });
  });

  it('leaves the logged object itself untouched', () => {
    const out = captureStream();
    const logged = { body: { password: 'S3cret-pw' } };
    createLogger({ logLevel: 'info' }, out).info(logged);
    expect(logged.body.password).toBe('S3cret-pw');
    expect(out.text()).not.toContain('S3cret-pw');
  });

  it('redacts child logger bindings too', () => {
    const out = captureStream();
    const child = createLogger({ logLevel: 'info' }, out).child({ token: 'tok-777' });
    child.info({ refreshToken: 'eyJ.refresh.tok' }, 'child');
    expect(out.text()).not.toContain('eyJ.refresh.tok');
    expect(out.text()).not.toContain('tok-777');
  });

  it('keeps token metadata that is not a secret', () => {
    const out = captureStream();
    createLogger({ logLevel: 'info' }, out).info({ tokenType: 'Bearer', expiresIn: 900 });
    expect(out.records()[0]).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
  });
});

/** SPEC §4: "Never a stack trace, SQL, or a token in a body or a log." */
describe('createLogger: errors without stack traces or SQL', () => {
  it('logs an error\'s type, message, causes and code, but not its stack', () => {
    const out = captureStream();
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9', { cause: new Error('socket closed') }), { code: 'ECONNREFUSED', port: 9 });
    createLogger({ logLevel: 'info' }, out).warn({ err, requestId: 'r1' }, 'upstream request failed');
    const record = out.records()[0] as { err: Record<string, unknown> };
    expect(record.err).toEqual({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9: socket closed', code: 'ECONNREFUSED', port: 9 });
    expect(out.text()).not.toMatch(STACK_FRAME);
  });

  it('drops stacks at every depth: an AggregateError\'s errors and an error held in a field', () => {
    const out = captureStream();
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' });
    const err = Object.assign(new AggregateError([inner, new Error('connect ECONNREFUSED 127.0.0.1:9')], 'all addresses failed'), {
      original: Object.assign(new Error('wrapped'), { detail: new Error('deeper') }),
    });
    createLogger({ logLevel: 'info' }, out).error({ err }, 'failed');
    const text = out.text();
    expect(text).not.toMatch(STACK_FRAME);
    expect(text).not.toContain('"stack"');
    expect(out.records()[0]).toMatchObject({
      err: { type: 'AggregateError', message: 'all addresses failed', aggregateErrors: [{ message: 'connect ECONNREFUSED ::1:9', code: 'ECONNREFUSED' }, { message: 'connect ECONNREFUSED 127.0.0.1:9' }] },
    });
  });

  it('drops a driver\'s query and its values (mysql2\'s `sql`, Knex\'s `bindings`), keeping the driver\'s code and message', () => {
    const out = captureStream();
    const err = Object.assign(new Error("Duplicate entry 'x' for key 'PRIMARY'"), {
      code: 'ER_DUP_ENTRY',
      errno: 1062,
      sql: 'insert into `sessions` (`id`, `refresh_digest`) values (?, ?)',
      bindings: ['s1', 'digest-secret-123'],
    });
    createLogger({ logLevel: 'info' }, out).error({ err }, 'unhandled error');
    expect(out.text()).not.toMatch(SQL_TEXT);
    expect(out.text()).not.toContain('digest-secret-123');
    expect(out.records()[0]).toMatchObject({ err: { type: 'Error', message: "Duplicate entry 'x' for key 'PRIMARY'", code: 'ER_DUP_ENTRY', errno: 1062 } });
  });

  it('still censors secret fields of an error', () => {
    const out = captureStream();
    createLogger({ logLevel: 'info' }, out).error({ err: Object.assign(new Error('boom'), { token: 'tok-777' }) }, 'failed');
    expect(out.text()).not.toContain('tok-777');
    expect(out.records()[0]).toMatchObject({ err: { message: 'boom', token: '[Redacted]' } });
  });
});
