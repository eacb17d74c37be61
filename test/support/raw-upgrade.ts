import net from 'node:net';

/** The head of the answer to a raw WebSocket handshake: status and lower-cased headers (repeats joined). */
export interface UpgradeAnswer {
  status: number;
  headers: Record<string, string[]>;
  /** Whatever followed the head before the gateway closed or the wait ended. */
  body: string;
}

/**
 * Sends a WebSocket handshake whose request target is written byte for byte (WebSocket
 * clients normalize the path; this does not), and reads the answer's head. Closes the
 * connection after the head (a 101) or at the gateway's close (a refusal).
 */
export function rawUpgrade(port: number, target: string, headers: [string, string][] = [], options: { upgrade?: string } = {}): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const lines = [
      `GET ${target} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Connection: Upgrade',
      `Upgrade: ${options.upgrade ?? 'websocket'}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ...headers.map(([n, v]) => `${n}: ${v}`),
    ];
    let data = '';
    let settled = false;
    const timer = setTimeout(() => finish(), 5000);
    const finish = (): void => {
      if (settled) return;
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`no answer head for ${target}: ${JSON.stringify(data.slice(0, 200))}`));
        return;
      }
      const [statusLine, ...rest] = data.slice(0, end).split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
      // A refusal's body ends at the close; a 101 is done at its head.
      if (status !== 101 && !socket.destroyed && !socket.readableEnded) return;
      settled = true;
      clearTimeout(timer);
      const out: Record<string, string[]> = {};
      for (const line of rest) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        (out[name] ??= []).push(line.slice(colon + 1).trim());
      }
      socket.destroy();
      resolve({ status, headers: out, body: data.slice(end + 4) });
    };
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}
