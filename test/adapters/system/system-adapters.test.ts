import { RandomIdGenerator } from '../../../src/adapters/system/random-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';

describe('SystemClock', () => {
  it('reads the real time in milliseconds', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('RandomIdGenerator', () => {
  it('makes unpadded base64url ids of 128 bits by default', () => {
    expect(new RandomIdGenerator().next()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('makes longer ids on request', () => {
    expect(new RandomIdGenerator(24).next()).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('never repeats', () => {
    const ids = new RandomIdGenerator();
    const seen = new Set(Array.from({ length: 10_000 }, () => ids.next()));
    expect(seen.size).toBe(10_000);
  });

  it.each([8, 15, 25, 16.5])('refuses %s bytes', (bytes) => {
    expect(() => new RandomIdGenerator(bytes)).toThrow();
  });
});
