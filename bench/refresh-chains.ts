/**
 * Drives `POST /auth/refresh` with rotation for `bench/instructions.sh` (MODE=refresh): each of
 * `CHAINS` sessions spends its refresh token and keeps the answer's new one, one request in
 * flight per session, until `REQUESTS` refreshes were answered. The chains' current tokens live in
 * the file `STATE`, so a warm-up and a counted run can follow each other across processes.
 *
 *   node dist/bench/refresh-chains.js login BASE CHAINS STATE   (logs in as bench / USER_PASSWORD)
 *   node dist/bench/refresh-chains.js run BASE REQUESTS STATE
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [command, base, countText, state] = process.argv.slice(2);
const count = Number(countText);
if (!base || !state || !Number.isInteger(count) || count < 1 || (command !== 'login' && command !== 'run')) {
  console.error('usage: refresh-chains.js login|run BASE COUNT STATE');
  process.exit(2);
}
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function login(chains: number): Promise<string[]> {
  const password = process.env.USER_PASSWORD ?? 'bench-password-123456';
  const tokens: string[] = [];
  for (let i = 0; i < chains; i++) {
    const res = await post('/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ username: 'bench', password }));
    if (res.status !== 200) throw new Error(`login answered ${res.status}: ${res.text}`);
    tokens.push((JSON.parse(res.text) as { refreshToken: string }).refreshToken);
  }
  return tokens;
}

async function run(tokens: string[], requests: number): Promise<void> {
  let left = requests;
  await Promise.all(
    tokens.map(async (_, i) => {
      while (left > 0) {
        left--;
        const res = await post('/auth/refresh', { 'x-refresh-token': tokens[i] as string });
        const next = res.headers['x-refresh-token'];
        if (res.status !== 200 || typeof next !== 'string') throw new Error(`refresh answered ${res.status}: ${res.text}`);
        tokens[i] = next;
      }
    }),
  );
}

async function main(): Promise<void> {
  if (command === 'login') writeFileSync(state as string, JSON.stringify(await login(count)));
  else {
    const tokens = JSON.parse(readFileSync(state as string, 'utf8')) as string[];
    await run(tokens, count);
    writeFileSync(state as string, JSON.stringify(tokens));
  }
  agent.destroy();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
