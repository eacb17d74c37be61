import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ITEM_BODY } from './servers/item-body';
import { cpuSecondsOf, freePort, processCountOf, stopChild, waitReady, type ServerProcess } from './processes';

export const nginxAvailable = (binary: string): boolean => existsSync(binary);

const TEMP_DIRS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * The `auth_request` setup of docs/nginx/tokengate.conf (the verify subrequest with the
 * original method and no body, the identity headers copied onto the proxied request), minus
 * the cookie rebuilding a bearer load never needs, plus keep-alive upstream pools, which any
 * deployment that cares about speed sets, and client connections kept for the whole run (nginx's
 * default `keepalive_requests 1000` closed each autocannon connection every thousand requests,
 * and the requests in flight on it were counted as errors). Both nginx targets get this same text; only the
 * verify server's address differs.
 */
function serverConf(listen: number, verify: string, app: string): string {
  const keepAlive = 'proxy_http_version 1.1;\n        proxy_set_header Connection "";';
  const ids = [['user_id', 'X-User-Id'], ['user_name', 'X-User-Name'], ['user_roles', 'X-User-Roles'], ['session_id', 'X-Session-Id'], ['request_id', 'X-Request-Id']];
  return `upstream bench_verify { server ${verify}; keepalive 64; }
upstream bench_app { server ${app}; keepalive 64; }
server {
    listen 127.0.0.1:${listen};
    keepalive_requests 1000000;
    location = /_bench_ready { return 200; }
    location = /_tokengate/verify {
        internal;
        proxy_pass http://bench_verify/auth/verify;
        ${keepAlive}
        proxy_method $request_method;
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
        proxy_set_header Prefer "return=minimal";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
    location / {
        auth_request /_tokengate/verify;
${ids.map(([v, h]) => `        auth_request_set $tg_${v} $upstream_http_${h?.toLowerCase().replace(/-/g, '_')};`).join('\n')}
        proxy_pass http://bench_app;
        ${keepAlive}
        proxy_set_header Host $http_host;
${ids.map(([v, h]) => `        proxy_set_header ${h} $tg_${v};`).join('\n')}
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $http_host;
    }
}
`;
}

/** `worker_processes auto` unless told, as Debian's packaged nginx.conf has it; no access log (disk I/O is not what is measured). */
function mainConf(dir: string, workers: string): string {
  return `pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
worker_processes ${workers};
events { worker_connections 1024; }
http {
  access_log off;
${TEMP_DIRS.map((d) => `  ${d}_temp_path ${join(dir, d)};`).join('\n')}
  include ${join(dir, 'server.conf')};
}
`;
}

/** nginx with `server.conf` as its one server block, ready once `readyPath` answers 200. */
async function spawnNginx(binary: string, name: string, server: (port: number) => string, readyPath: string, workers = 'auto') {
  const dir = mkdtempSync(join(tmpdir(), `tokengate-bench-${name}-`));
  // Started as root, the workers drop to an unprivileged user: let them read and write here.
  chmodSync(dir, 0o755);
  for (const sub of TEMP_DIRS) {
    mkdirSync(join(dir, sub));
    chmodSync(join(dir, sub), 0o777);
  }
  const port = await freePort();
  writeFileSync(join(dir, 'server.conf'), server(port));
  writeFileSync(join(dir, 'nginx.conf'), mainConf(dir, workers));
  const child = spawn(binary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process on;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await waitReady(`${url}${readyPath}`, child, () => tail.trim());
  } catch (e) {
    child.kill('SIGKILL');
    remove();
    throw new Error(`${name}: ${(e as Error).message}`);
  }
  const stop = async () => {
    await stopChild(child);
    remove();
  };
  return { url, pid: child.pid as number, stop };
}

/**
 * nginx in front of `app`, asking `verifier` (a tokengate or the verify peer) about every
 * request. As a target it counts the CPU of nginx and of the verify server together (the
 * upstream's is not counted, as for every other target), and reads the verify server's probe.
 */
export async function startNginx(binary: string, name: string, verifier: ServerProcess, appUrl: string): Promise<ServerProcess> {
  const verify = new URL(verifier.url).host;
  const { url, pid, stop } = await spawnNginx(binary, name, (port) => serverConf(port, verify, new URL(appUrl).host), '/_bench_ready');
  return {
    name,
    url,
    pid,
    cpuSeconds: () => {
      const mine = cpuSecondsOf(pid);
      const theirs = verifier.cpuSeconds();
      return mine !== null && theirs !== null ? mine + theirs : null;
    },
    probe: () => verifier.probe(),
    processCount: () => processCountOf(pid),
    stop,
  };
}

/**
 * nginx as an upstream: one worker answering every path with the Node upstream's document,
 * at a fraction of its CPU a request (docs/performance.md, "Scaling with WORKERS").
 */
export async function startNginxUpstream(binary: string): Promise<ServerProcess> {
  const conf = (port: number) => `server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    location / { default_type application/json; return 200 '${ITEM_BODY}'; }
}
`;
  const { url, pid, stop } = await spawnNginx(binary, 'nginx-upstream', conf, '/', '1');
  return { name: 'nginx-upstream', url, pid, cpuSeconds: () => cpuSecondsOf(pid), probe: async () => null, processCount: () => processCountOf(pid), stop };
}
