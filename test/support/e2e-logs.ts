import type { DestinationStream } from 'pino';
import type { Response } from 'supertest';

/** Every line a pino logger wrote, kept in memory for the leak checks. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  /** Parsed lines (pino writes one JSON object per line). */
  entries(): Record<string, unknown>[] {
    return this.lines.flatMap((chunk) => chunk.split('\n').filter((l) => l.trim() !== '')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** Anything shaped like a JWT (`eyJ…` header and payload). */
export const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?/;
/** A JavaScript stack frame, as in "    at Foo.bar (/src/x.ts:1:2)". */
export const STACK_FRAME = /\bat (?:async )?[\w$.<>[\] ]*\(?[/\w.-]*:\d+:\d+\)?/;
/** SQL text, as a driver error would carry it. */
export const SQL_TEXT = /\b(?:select\b[\s\S]*\bfrom|insert\s+into|update\b[\s\S]*\bset|delete\s+from)\b/i;

/** The values of `secrets` that occur in `text` (only values of 6+ characters are looked for). */
export function leakedSecrets(text: string, secrets: Iterable<string>): string[] {
  return [...secrets].filter((s) => s.length >= 6 && text.includes(s));
}

/** Asserts a response carries no stack trace, no SQL and none of `secrets`, in its body or headers. */
export function expectNoLeak(res: Response, secrets: Iterable<string>): void {
  const body = res.text ?? '';
  const headers = Object.entries(res.headers)
    .filter(([name]) => !['set-cookie', 'x-access-token', 'x-refresh-token'].includes(name))
    .map(([name, v]) => `${name}: ${String(v)}`)
    .join('\n');
  expect(body).not.toMatch(STACK_FRAME);
  expect(body).not.toMatch(SQL_TEXT);
  expect(leakedSecrets(`${body}\n${headers}`, secrets)).toEqual([]);
}
