/**
 * Reads environment settings and collects one line per failure ("NAME: what was wrong"),
 * so a start can report every bad setting at once instead of the first only.
 */
export class SettingReader {
  readonly issues: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

  /** The trimmed value; empty or blank counts as unset. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  /** The untrimmed value as given; only `undefined` and `''` count as unset. */
  exact(name: string): string | undefined {
    const value = this.env[name];
    return value === '' ? undefined : value;
  }

  /** The parsed value, `fallback` when unset, or `fallback` plus an issue when `parse` throws. */
  get<T>(name: string, fallback: T, parse: (raw: string) => T): T {
    const raw = this.raw(name);
    return raw === undefined ? fallback : this.attempt(name, () => parse(raw), fallback);
  }

  /** Like {@link get}, but `null` when unset. */
  optional<T>(name: string, parse: (raw: string) => T): T | null {
    return this.get<T | null>(name, null, parse);
  }

  attempt<T>(name: string, compute: () => T, fallback: T): T {
    try {
      return compute();
    } catch (e) {
      this.fail(name, (e as Error).message);
      return fallback;
    }
  }

  fail(name: string, message: string): void {
    this.issues.push(`${name}: ${message}`);
  }
}
