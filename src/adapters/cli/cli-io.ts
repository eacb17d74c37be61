import { createInterface } from 'node:readline';

/** What a command may touch of the outside: output lines and a password source. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Reads a password: all of stdin with `fromStdin`, else a hidden prompt on a terminal. */
  readPassword(fromStdin: boolean): Promise<string>;
  /** Reads one line (a terminal or a pipe), `prompt` on stderr. */
  readLine(prompt: string): Promise<string>;
}

/** The first line of stdin, the rest left unread. */
export async function readOneLine(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write(prompt);
  try {
    for await (const line of rl) return line.trim();
    throw new Error('no code on standard input');
  } finally {
    rl.close();
  }
}

/** Reads stdin to its end, dropping one trailing newline. */
export async function readAllStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Prompts without echo on a terminal. */
export async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new Error('no terminal to prompt on: pass the password with --password-stdin');
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let value = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return value;
        if (ch === '\u0003') throw new Error('cancelled');
        if (ch === '\u007f') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    }
    return value;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readPassword: (fromStdin) => (fromStdin ? readAllStdin() : promptHidden('Password: ')),
  readLine: readOneLine,
};
