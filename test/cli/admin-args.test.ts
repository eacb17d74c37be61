import { orderArgs } from '../../src/adapters/cli/commands';
import { parseArgs } from 'node:util';

/** Regression: `session revoke <sid>` with an id that begins with `-` (base64url ids may) was refused as an unknown option. */
describe('admin command arguments', () => {
  const parse = (args: string[]) =>
    parseArgs({ args: orderArgs(args), allowPositionals: true, options: { roles: { type: 'string' }, 'password-stdin': { type: 'boolean' } } });

  it('reads an id that begins with "-" as the id', () => {
    expect(parse(['session', 'revoke', '-jX4_abc']).positionals).toEqual(['session', 'revoke', '-jX4_abc']);
  });

  it('keeps options wherever they stand', () => {
    const r = parse(['user', 'add', 'alice', '--roles', 'admin,ops', '--password-stdin']);
    expect(r.positionals).toEqual(['user', 'add', 'alice']);
    expect(r.values).toEqual({ roles: 'admin,ops', 'password-stdin': true });
    expect(parse(['user', 'add', '--roles=a', 'bob']).values.roles).toBe('a');
  });

  it('still refuses an unknown long option', () => {
    expect(() => parse(['user', 'list', '--bogus'])).toThrow(/bogus/);
  });

  it('takes everything after -- as words', () => {
    expect(parse(['session', 'revoke', '--', '--odd']).positionals).toEqual(['session', 'revoke', '--odd']);
  });
});
