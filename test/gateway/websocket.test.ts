import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { cookieValues, waitUntil } from '../support/gateway-http';
import { GATEWAY_TTL, RunningGateway } from '../support/gateway-harness';
import { RecordingUpstream } from '../support/gateway-upstream';

/** SPEC §5 WebSocket upgrades on protected routes, and the "closed when the session is revoked". */

let up: RecordingUpstream;
let gw: RunningGateway;
const open: WebSocket[] = [];

beforeAll(async () => {
  up = await RecordingUpstream.start();
  gw = await RunningGateway.start({ UPSTREAM_URL: up.url });
});
afterAll(async () => {
  for (const ws of open) ws.terminate();
  await gw.stop();
  await up.close();
});

/** Connects through the gateway; resolves with the open socket, or rejects with the refusal's status and body. */
function connect(path: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}${path}`, { headers });
    open.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body, headers: res.headers })));
    });
    ws.once('error', (e) => reject(e));
  });
}

function echo(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(String(data)));
    ws.send(text);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve(-1);
    else ws.once('close', (code) => resolve(code));
  });
}

describe('WebSocket through the gateway', () => {
  it('with a valid token cookie: the echo works and the upstream saw the identity, not the tokens', async () => {
    const s = await gw.session(['reader']);
    const ws = await connect('/ws/echo?room=1', { Cookie: s.cookie, 'X-User-Id': 'spoofed' });
    expect(await echo(ws, 'hello through tokengate')).toBe('hello through tokengate');
    const seen = up.upgrades.find((u) => u.url === '/ws/echo?room=1');
    expect(seen?.headers['x-user-id']).toBe(s.user.id);
    expect(seen?.headers['x-user-name']).toBe(s.user.username);
    expect(seen?.headers['x-session-id']).toBe(s.sid);
    expect(seen?.headers.cookie).toBeUndefined();
    ws.close();
  });

  it('expired access + valid refresh (case 2): the handshake succeeds and its 101 carries the reissued cookies', async () => {
    const s = await gw.session();
    gw.advance(GATEWAY_TTL.access + GATEWAY_TTL.skew + 10);
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws/case2`, { headers: { Cookie: s.cookie } });
    open.push(ws);
    const upgrade = new Promise<IncomingMessage>((resolve) => ws.once('upgrade', resolve));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const cookies = cookieValues((await upgrade).headers['set-cookie'] ?? []);
    expect(cookies.access_token).toEqual(expect.any(String));
    expect(cookies.access_token).not.toBe(s.access);
    expect(await echo(ws, 'renewed')).toBe('renewed');
    ws.close();
  });

  it('without a token: the handshake is refused with 401 login_required', async () => {
    const before = up.upgrades.length;
    await expect(connect('/ws/echo', {})).rejects.toMatchObject({ status: 401 });
    const failure = await connect('/ws/echo', {}).catch((e: { body: string; headers: Record<string, string> }) => e);
    expect(JSON.parse((failure as { body: string }).body)).toMatchObject({ error: 'login_required' });
    expect((failure as { headers: Record<string, string> }).headers['www-authenticate']).toBe('Bearer error="login_required"');
    expect(up.upgrades.length).toBe(before);
  });

  it('a cookie handshake from a foreign Origin is refused with 403 forbidden (cross-site WebSocket hijacking)', async () => {
    const s = await gw.session();
    await expect(connect('/ws/echo', { Cookie: s.cookie, Origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
  });

  it('after POST /auth/logout of that session, the gateway closes the open WebSocket', async () => {
    const s = await gw.session();
    const ws = await connect('/ws/logout', { Cookie: s.cookie });
    expect(await echo(ws, 'before')).toBe('before');
    const other = await gw.session();
    const bystander = await connect('/ws/bystander', { Cookie: other.cookie });
    const ended = closed(ws);
    const logout = await gw.request('/auth/logout', { method: 'POST', headers: { Cookie: s.cookie } });
    expect(logout.status).toBe(204);
    let closedAt: number | null = null;
    void ended.then(() => (closedAt = Date.now()));
    expect(await waitUntil(() => closedAt !== null, 3000)).not.toBeNull();
    expect(await waitUntil(() => up.openSockets === 1, 2000)).not.toBeNull();
    expect(await echo(bystander, 'still here')).toBe('still here');
    bystander.close();
  });

  it('after logout, the same cookie cannot open a new WebSocket: 401 token_revoked', async () => {
    const s = await gw.session();
    await gw.request('/auth/logout', { method: 'POST', headers: { Cookie: s.cookie } });
    const failure = await connect('/ws/again', { Cookie: `access_token=${s.access}` }).catch((e: { status: number; body: string }) => e);
    expect((failure as { status: number }).status).toBe(401);
    expect(JSON.parse((failure as { body: string }).body)).toMatchObject({ error: 'token_revoked' });
  });
});
