import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request, { type Response, type Test } from 'supertest';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import { OPENAPI_DEFAULT_PREFIX } from '../../src/adapters/http/openapi';
import { openApiForPrefix } from '../../src/adapters/http/openapi-route';
import { OpenApiChecker } from './openapi-checker';

export const PASSWORD = 'correct horse battery staple';

/**
 * A composition on `memory:` storage whose every answer, through `send`, is checked
 * against the OpenAPI document served for its prefix.
 */
export class OpenApiGateway {
  readonly checker: OpenApiChecker;

  private constructor(readonly comp: Composition, private readonly dir: string) {
    this.checker = new OpenApiChecker(openApiForPrefix(comp.config.authPrefix));
  }

  /** A temporary directory, removed when the process ends. */
  static scratchDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-openapi-keys-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  static async start(env: Record<string, string> = {}): Promise<OpenApiGateway> {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-openapi-'));
    const config = loadConfig(
      { DATABASE_URL: 'memory:', JWT_SECRET: 's'.repeat(40), LOG_LEVEL: 'silent', UPSTREAM_URL: 'http://127.0.0.1:9', LOGIN_RATE_LIMIT: '1000/15m', ...env },
      { cwd: dir },
    );
    return new OpenApiGateway(await compose(config, { defaultMetrics: false, logger: pino({ level: 'silent' }) }), dir);
  }

  get prefix(): string {
    return this.comp.config.authPrefix;
  }

  /** `/auth/x` under this gateway's prefix. */
  url(path: string): string {
    return path.replace(new RegExp(`^${OPENAPI_DEFAULT_PREFIX}(?=/|$)`), this.prefix);
  }

  /** A request (path written with `/auth`), sent, then checked against the document. */
  async send(method: string, path: string, build: (t: Test) => Test = (t) => t): Promise<Response> {
    const url = this.url(path);
    const agent = request(this.comp.handler) as unknown as Record<string, (u: string) => Test>;
    const res = await build(agent[method.toLowerCase()]!(url));
    return this.checker.expect(method, url, res);
  }

  async addUser(username: string, roles: string[] = ['reader']): Promise<void> {
    await this.comp.container.get(TYPES.AddUser).execute({ username, password: PASSWORD, roles });
  }

  /** Logs `username` in with JSON; the `TokenResponse` body. */
  async login(username: string): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await this.send('POST', '/auth/login', (t) => t.send({ username, password: PASSWORD }));
    expect(res.status).toBe(200);
    return res.body as { accessToken: string; refreshToken: string };
  }

  async stop(): Promise<void> {
    await this.comp.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The `name=value` parts of a response's `Set-Cookie` lines. */
export function setCookies(res: Response): Record<string, string> {
  const lines = (res.headers['set-cookie'] ?? []) as unknown as string[];
  return Object.fromEntries(lines.map((l) => l.split(';')[0]!.split('=')).map(([k, ...v]) => [k, v.join('=')]));
}
