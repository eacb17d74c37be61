import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { removeDir, tempDir, writeTemp } from './gateway-harness';
import { isCi } from './test-service';

export const NGINX = '/usr/sbin/nginx';

/** The documented server block (docs/forward-auth.md includes it verbatim). */
export const NGINX_CONF_PATH = resolve(__dirname, '../../docs/nginx/tokengate.conf');

/** The example addresses the documented config uses, which a test swaps for its own. */
export const DOC_ADDRESSES = { tokengate: '127.0.0.1:8080', app: '127.0.0.1:9000', listen: 'listen 8000;' } as const;

/**
 * A `describe` that needs the nginx binary. Missing: fails under `CI=true` (`.ci/run` installs
 * it), else registers the block as skipped with a warning.
 */
export function describeWithNginx(name: string, body: () => void): void {
  if (existsSync(NGINX)) {
    describe(name, body);
    return;
  }
  if (isCi()) {
    describe(name, () => {
      it('needs nginx', () => {
        throw new Error(`${NGINX} is missing; CI=true forbids skipping (apt-get install nginx)`);
      });
    });
    return;
  }
  console.warn(`Skipping nginx tests: ${NGINX} is missing (apt-get install nginx). Set CI=true to fail instead.`);
  describe.skip(name, body);
}

/** The documented config with the example addresses replaced; each must occur in the file. */
export function renderNginxConf(ports: { tokengate: number; app: number; listen: number }): string {
  const text = readFileSync(NGINX_CONF_PATH, 'utf8');
  for (const needle of Object.values(DOC_ADDRESSES)) {
    if (!text.includes(needle)) throw new Error(`docs/nginx/tokengate.conf no longer contains "${needle}"`);
  }
  return text
    .split(DOC_ADDRESSES.tokengate).join(`127.0.0.1:${ports.tokengate}`)
    .split(DOC_ADDRESSES.app).join(`127.0.0.1:${ports.app}`)
    .split(DOC_ADDRESSES.listen).join(`listen 127.0.0.1:${ports.listen};`);
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/_nginx_ready', agent: false }, (res) => {
      res.resume();
      resolvePing(true);
    });
    req.on('error', () => resolvePing(false));
  });
}

/** nginx in the foreground, everything (pid, logs, temp files) in its own temp dir. */
export class NginxProcess {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  /** Starts nginx serving `serverConf` (http-context text) on a free loopback port chosen by `render`. */
  static async start(render: (listenPort: number) => string): Promise<NginxProcess> {
    const dir = tempDir('tokengate-nginx-');
    // Workers drop to an unprivileged user when started as root: let them use the temp dirs.
    chmodSync(dir, 0o755);
    for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      mkdirSync(join(dir, sub));
      chmodSync(join(dir, sub), 0o777);
    }
    const port = await freePort();
    writeTemp(dir, 'tokengate.conf', render(port));
    writeTemp(dir, 'nginx.conf', mainConf(dir));
    const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process on;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const nginx = new NginxProcess(port, dir, child);
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) break;
      if (await answers(port)) return nginx;
      await new Promise((r) => setTimeout(r, 50));
    }
    const log = nginx.errorLog();
    await nginx.stop();
    throw new Error(`nginx did not start: ${output}\n${log}`);
  }

  errorLog(): string {
    const path = join(this.dir, 'error.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGQUIT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    removeDir(this.dir);
  }
}

/** The smallest main config around the documented server block, with every path in `dir`. */
function mainConf(dir: string): string {
  return `pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} info;
worker_processes 1;
events { worker_connections 128; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  include ${join(dir, 'tokengate.conf')};
}
`;
}
