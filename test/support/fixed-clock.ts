import type { Clock } from '../../src/domain/ports/clock';

/** A whole-second instant far from any real "now", so a stray Date.now() shows up. */
export const T0 = Date.UTC(2030, 0, 1);

/** A clock that moves only when the test says so. Milliseconds since the epoch. */
export class FixedClock implements Clock {
  constructor(private ms: number = T0) {}

  now(): number {
    return this.ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
