/** A pino destination that keeps every line, parsed. */
export function captureStream() {
  const lines: string[] = [];
  return {
    lines,
    write: (chunk: string) => void lines.push(chunk),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}
