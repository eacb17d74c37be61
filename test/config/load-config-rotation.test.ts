import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateJwtSecret } from '../../src/adapters/security/jwt-secret-file';
import { loadPreviousSecrets, rotateGeneratedSecret } from '../../src/adapters/security/previous-secrets-file';
import { issuesOf, load, SECRET, tempDir, writeKeys } from './config-fixtures';

const OLD = 'o'.repeat(40);
const OLDER = 'p'.repeat(48);

describe('previous signing keys (SPEC §10)', () => {
  it('JWT_SECRET_PREVIOUS is a comma-separated list of verification-only secrets', () => {
    const jwt = load({ JWT_SECRET: SECRET, JWT_SECRET_PREVIOUS: ` ${OLD} , ${OLDER}` }).jwt;
    expect(jwt.secret).toEqual(Buffer.from(SECRET));
    expect(jwt.previousSecrets).toEqual([Buffer.from(OLD), Buffer.from(OLDER)]);
    expect(jwt.generatedSecretFile).toBeNull();
  });

  it('a short previous secret stops the start with one line that names it by position, not by value', () => {
    const issues = issuesOf({ JWT_SECRET: SECRET, JWT_SECRET_PREVIOUS: `${OLD},short-one` });
    expect(issues).toEqual([expect.stringMatching(/^JWT_SECRET_PREVIOUS: secret 2: must be at least 32 bytes/)]);
    expect(issues[0]).not.toContain('short-one');
  });

  it('each kind of previous key goes with its own algorithm', () => {
    const dir = tempDir();
    const rsa = writeKeys(dir, 'rsa');
    expect(issuesOf({ JWT_SECRET: SECRET, JWT_PREVIOUS_PUBLIC_KEY_FILES: rsa.publicFile })).toEqual([
      'JWT_PREVIOUS_PUBLIC_KEY_FILES: only with RS256/ES256; with HS256 use JWT_SECRET_PREVIOUS',
    ]);
    const rs = { JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: rsa.privateFile, JWT_PUBLIC_KEY_FILE: rsa.publicFile };
    expect(issuesOf({ ...rs, JWT_SECRET_PREVIOUS: OLD })).toEqual(['JWT_SECRET_PREVIOUS: only with HS256; with RS256 use JWT_PREVIOUS_PUBLIC_KEY_FILES']);
  });

  it('JWT_PREVIOUS_PUBLIC_KEY_FILES reads each PEM file (paths against cwd) and checks it suits the algorithm', () => {
    const dir = tempDir();
    const current = writeKeys(dir, 'rsa', 'current');
    const old = writeKeys(dir, 'rsa', 'old');
    const ec = writeKeys(dir, 'ec');
    const rs = { JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: current.privateFile, JWT_PUBLIC_KEY_FILE: current.publicFile };
    const jwt = load({ ...rs, JWT_PREVIOUS_PUBLIC_KEY_FILES: 'old-public.pem,old-private.pem' }, dir).jwt;
    expect(jwt.previousPublicKeyPems).toEqual([readFileSync(old.publicFile, 'utf8'), readFileSync(old.publicFile, 'utf8')]);
    expect(issuesOf({ ...rs, JWT_PREVIOUS_PUBLIC_KEY_FILES: ec.publicFile })).toEqual([expect.stringMatching(/^JWT_PREVIOUS_PUBLIC_KEY_FILES: RS256 needs an RSA key/)]);
    expect(issuesOf({ ...rs, JWT_PREVIOUS_PUBLIC_KEY_FILES: join(dir, 'gone.pem') })).toEqual([expect.stringMatching(/^JWT_PREVIOUS_PUBLIC_KEY_FILES: cannot read .*ENOENT/)]);
  });
});

describe('the generated secret and keys rotate', () => {
  it('rotation makes the generated secret previous and a new one current, files 0600', () => {
    const dir = tempDir();
    const before = load({}, dir).jwt;
    expect(before.generatedSecretFile).toBe(join(dir, 'data', 'jwt-secret'));
    expect(before.previousSecrets).toEqual([]);
    const result = rotateGeneratedSecret(join(dir, 'data'), Date.now(), 14 * 86400);
    expect(result).toMatchObject({ kept: 1, dropped: 0 });
    const after = load({}, dir).jwt;
    expect(after.secret).not.toEqual(before.secret);
    expect(after.previousSecrets).toEqual([before.secret]);
    expect(statSync(join(dir, 'data', 'jwt-secret-previous')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data', 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(load({ JWT_SECRET_PREVIOUS: OLD }, dir).jwt.previousSecrets).toEqual([Buffer.from(OLD), before.secret]);
  });

  it('drops a previous secret once the secret that replaced it has been retired longer than the refresh token lifetime', () => {
    const dir = join(tempDir(), 'data');
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    rotateGeneratedSecret(dir, t0, 3600); // A retired, B current
    rotateGeneratedSecret(dir, t0 + 1800_000, 3600); // B retired at t0 + 30 min
    // A stopped signing by B's retirement at the latest (a restart in between): 90 min later its tokens have expired.
    expect(rotateGeneratedSecret(dir, t0 + 1800_000 + 3600_000, 3600)).toMatchObject({ kept: 3, dropped: 0 });
    expect(rotateGeneratedSecret(dir, t0 + 1800_000 + 3600_001, 3600)).toMatchObject({ kept: 3, dropped: 1 });
  });

  // A gateway signs with the secret it started with until it restarts: a second rotation two
  // refresh lifetimes after the first, with no restart in between, must not drop the secret
  // the running gateway still signs with (counted from its own retirement, it was dropped).
  it('keeps the secret retired by the previous rotation, however long ago, at the next rotation', () => {
    const dir = join(tempDir(), 'data');
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const signing = loadOrCreateJwtSecret(dir); // what a gateway started before t0 signs with
    rotateGeneratedSecret(dir, t0, 3600);
    expect(rotateGeneratedSecret(dir, t0 + 2 * 3600_000, 3600)).toMatchObject({ kept: 2, dropped: 0 });
    expect(loadPreviousSecrets(dir)).toContainEqual(signing);
  });

  it('a damaged previous-secrets file stops the start with one line naming the file', () => {
    const dir = tempDir();
    load({}, dir);
    writeFileSync(join(dir, 'data', 'jwt-secret-previous'), 'not-a-secret\n');
    expect(issuesOf({}, dir)).toEqual([expect.stringMatching(/^JWT_SECRET: line 1 of ".*jwt-secret-previous" is not/)]);
  });
});
