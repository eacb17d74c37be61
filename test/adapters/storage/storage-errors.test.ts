import { DomainError } from '../../../src/domain/errors';
import { guardStorage, isStorageUnavailable, isUniqueViolation } from '../../../src/adapters/storage/storage-errors';

const withCode = (code: string, extra: object = {}): Error => Object.assign(new Error(`driver said ${code}`), { code, ...extra });

describe('storage error mapping', () => {
  it.each([
    withCode('ECONNREFUSED'),
    withCode('ETIMEDOUT'),
    withCode('PROTOCOL_CONNECTION_LOST'),
    withCode('ER_ACCESS_DENIED_ERROR'),
    withCode('SQLITE_BUSY'),
    withCode('SQLITE_BUSY_SNAPSHOT'),
    withCode('SQLITE_CANTOPEN'),
    withCode('ER_SOMETHING_NEW', { fatal: true }),
    Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' }),
    new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''),
    new Error('wrapped', { cause: withCode('ECONNRESET') }),
  ])('treats %p as storage unavailable', (err) => {
    expect(isStorageUnavailable(err)).toBe(true);
  });

  it.each([withCode('ER_DUP_ENTRY'), withCode('SQLITE_CONSTRAINT_UNIQUE'), withCode('ER_PARSE_ERROR'), new TypeError('x'), null, 'text'])(
    'does not treat %p as storage unavailable',
    (err) => {
      expect(isStorageUnavailable(err)).toBe(false);
    },
  );

  it('recognises unique violations on both engines', () => {
    expect(isUniqueViolation(withCode('ER_DUP_ENTRY'))).toBe(true);
    expect(isUniqueViolation(withCode('SQLITE_CONSTRAINT_UNIQUE'))).toBe(true);
    expect(isUniqueViolation(withCode('SQLITE_CONSTRAINT_NOTNULL'))).toBe(false);
  });

  it('guardStorage turns a connection failure into service_unavailable without the driver text', async () => {
    const driverError = withCode('ECONNREFUSED');
    const rejection = guardStorage(() => Promise.reject(driverError));
    await expect(rejection).rejects.toMatchObject({
      code: 'service_unavailable',
      message: 'storage unavailable',
      details: { retryAfterSeconds: 5 },
      cause: driverError,
    });
  });

  it('guardStorage lets every other error through unchanged', async () => {
    const sqlError = withCode('ER_PARSE_ERROR');
    const domainError = new DomainError('invalid_request', 'username already exists');
    await expect(guardStorage(() => Promise.reject(sqlError))).rejects.toBe(sqlError);
    await expect(guardStorage(() => Promise.reject(domainError))).rejects.toBe(domainError);
    await expect(guardStorage(async () => 42)).resolves.toBe(42);
  });
});
