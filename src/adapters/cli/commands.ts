import { parseArgs } from 'node:util';
import type { AddUser } from '../../application/add-user';
import type { ChangePassword } from '../../application/change-password';
import type { DisableUser } from '../../application/disable-user';
import { findUserOrFail } from '../../application/find-user';
import type { ListSessions } from '../../application/list-sessions';
import type { PurgeSessions } from '../../application/purge-sessions';
import type { RevokeSession } from '../../application/revoke-session';
import type { UserRepository } from '../../domain/ports/user-repository';
import type { CliIo } from './cli-io';
import { runTotpCommand, type TotpCommandDeps } from './totp-command';

/** The use-cases the admin commands run. */
export interface AdminDeps extends TotpCommandDeps {
  addUser: AddUser;
  disableUser: DisableUser;
  changePassword: ChangePassword;
  revokeSession: RevokeSession;
  listSessions: ListSessions;
  purgeSessions: PurgeSessions;
  users: UserRepository;
}

export class UsageError extends Error {}

export const USAGE = `usage: tokengate <command>
  serve                                   run the gateway (what npm start runs)
  migrate                                 create or update the database schema
  user add <name> [--roles a,b] [--password-stdin]
  user passwd <name> [--password-stdin]   set a new password (revokes the user's sessions)
  user disable <name>                     disable a user and revoke their sessions
  user totp <name> [--disable] [--secret-stdout]
                                          enrol a TOTP second factor (reads one code to confirm), or remove it
  user list
  session list <name>                     a user's live sessions
  session revoke <sid>
  session purge                           delete ended, idle and long-revoked sessions now
  keys rotate                             new generated signing secret; the old one still verifies`;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The arguments with the known options first and every other word after `--`, so that a
 * session id that begins with `-` (base64url ids may) is read as the id, not as an option.
 */
export function orderArgs(args: readonly string[]): string[] {
  const options: string[] = [];
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    if (a === '--roles' && i + 1 < args.length) options.push(a, args[++i] as string);
    else if (a.startsWith('--')) options.push(a);
    else words.push(a);
  }
  return [...options, '--', ...words];
}

const OPTIONS = { roles: { type: 'string' }, 'password-stdin': { type: 'boolean' }, disable: { type: 'boolean' }, 'secret-stdout': { type: 'boolean' } } as const;

/**
 * The options and words of an admin command. Node's own complaint (an unknown option, `--roles`
 * without a value) spans several lines with advice for programmers: it becomes one usage line.
 */
function parseOptions(args: string[]) {
  try {
    return parseArgs({ args: orderArgs(args), allowPositionals: true, options: OPTIONS });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw e;
    // "Option '--roles' argument is ambiguous. …", "Unknown option '--x'. To specify …": the first sentence.
    const sentence = ((e as Error).message.split('\n')[0] ?? '').split('. ')[0]!.replace(/\.$/, '').trim();
    const valueless = /^Option '(-[^' ]+)[^']*' argument (?:is ambiguous|missing)/.exec(sentence);
    throw new UsageError(valueless ? `${valueless[1]} needs a value` : sentence);
  }
}

/** Runs one admin subcommand (`user …`, `session …`). Throws UsageError or DomainError. */
export async function runAdminCommand(args: string[], deps: AdminDeps, io: CliIo): Promise<void> {
  const { values, positionals } = parseOptions(args);
  const [group, action, name, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const needName = (): string => {
    if (!name) throw new UsageError(`"${group} ${action}" needs a name`);
    return name;
  };
  const noName = (): void => {
    if (name) throw new UsageError(`unexpected argument "${name}"`);
  };
  switch (`${group} ${action}`) {
    case 'user add': {
      const roles = values.roles ? values.roles.split(',').map((r) => r.trim()).filter(Boolean) : [];
      const username = needName();
      const password = await io.readPassword(values['password-stdin'] === true);
      const user = await deps.addUser.execute({ username, password, roles });
      io.out(`added user ${user.username} (${user.id})${roles.length ? ` with roles ${roles.join(',')}` : ''}`);
      return;
    }
    case 'user passwd': {
      const username = needName();
      const password = await io.readPassword(values['password-stdin'] === true);
      const revoked = await deps.changePassword.execute(username, password);
      io.out(`password changed for ${username}; ${revoked.length} session(s) revoked`);
      return;
    }
    case 'user disable': {
      const revoked = await deps.disableUser.execute(needName());
      io.out(`disabled ${name}; ${revoked.length} session(s) revoked`);
      return;
    }
    case 'user totp':
      await runTotpCommand(needName(), { disable: values.disable === true, secretStdout: values['secret-stdout'] === true }, deps, io);
      return;
    case 'user list':
      noName();
      for (const u of await deps.users.list()) {
        io.out(`${u.username}\t${u.id}\troles=${u.roles.join(',') || '-'}\t${u.disabled ? 'disabled' : 'active'}\tcreated=${iso(u.createdAt)}`);
      }
      return;
    case 'session list': {
      const user = await findUserOrFail(deps.users, needName());
      for (const s of await deps.listSessions.execute(user.id, null)) {
        io.out(`${s.id}\tcreated=${iso(s.createdAt)}\tlastUsed=${iso(s.lastUsedAt)}\texpires=${iso(s.expiresAt)}\tip=${s.ip ?? '-'}\tua=${s.userAgent ?? '-'}`);
      }
      return;
    }
    case 'session revoke': {
      const sid = needName();
      const revoked = await deps.revokeSession.execute(sid);
      io.out(revoked ? `revoked session ${sid}` : `session ${sid} was already revoked`);
      return;
    }
    case 'session purge': {
      noName();
      io.out(`purged ${await deps.purgeSessions.execute()} session(s)`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${[group, action].filter(Boolean).join(' ')}"`);
  }
}
