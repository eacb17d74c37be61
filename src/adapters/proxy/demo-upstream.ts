import http from 'node:http';
import type { AddressInfo } from 'node:net';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * The browser client at work (SPEC §11): the session from `/auth/me`, the access token's
 * remaining time (refreshed before it runs out), and "log out everywhere". `window.tokengate`
 * is the client, to try from the console.
 */
function clientSection(authPrefix: string): string {
  const js = (value: string): string => JSON.stringify(value).replace(/</g, '\\u003c');
  const prefix = js(authPrefix);
  return `<h2>Browser client</h2>
<p>Session: <span id="session">…</span><br>Access token: <span id="remaining">…</span></p>
<button type="button" id="everywhere">Log out everywhere</button>
<script type="module">
import { createClient } from ${js(`${authPrefix}/client.js`)};
const tokengate = createClient({ prefix: ${prefix}, mode: 'cookie' });
window.tokengate = tokengate;
let expiresAt = 0;
tokengate.on('token', (e) => { expiresAt = e.expiresAt; });
tokengate.me().then((me) => { document.getElementById('session').textContent = me.username + ' (session ' + me.sid + ')'; }, () => {});
setInterval(() => {
  const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  document.getElementById('remaining').textContent = expiresAt ? left + ' s left, refreshed before it runs out' : '…';
}, 500);
document.getElementById('everywhere').addEventListener('click', async () => {
  await tokengate.logout('global');
  location.assign(${prefix} + '/login?rd=' + encodeURIComponent(location.pathname + location.search));
});
</script>`;
}

/** What the demo upstream answers: who tokengate said the caller is. */
function handle(authPrefix: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const h = req.headers;
  const who = {
    userId: h['x-user-id'] ?? null,
    userName: h['x-user-name'] ? decodeURIComponent(String(h['x-user-name'])) : null,
    roles: h['x-user-roles'] ? String(h['x-user-roles']).split(',') : [],
    sessionId: h['x-session-id'] ?? null,
    requestId: h['x-request-id'] ?? null,
    method: req.method,
    path: req.url,
  };
  req.resume();
  if ((h.accept ?? '').includes('text/html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tokengate demo upstream</title></head>
<body><h1>Hello, ${escapeHtml(who.userName ?? 'anonymous')}</h1>
<p>This page is served by tokengate's built-in demo upstream. tokengate checked your tokens and told it who you are:</p>
<pre>${escapeHtml(JSON.stringify(who, null, 2))}</pre>
<form method="post" action="${escapeHtml(authPrefix)}/logout"><input type="hidden" name="rd" value="/"><button type="submit">Log out</button></form>
${clientSection(authPrefix)}</body></html>`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(who));
}

/** The built-in upstream for first runs (never in production): loopback, ephemeral port. */
export async function startDemoUpstream(authPrefix: string): Promise<{ url: URL; close(): Promise<void> }> {
  const server = http.createServer((req, res) => handle(authPrefix, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
