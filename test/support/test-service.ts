import { spawnSync } from 'node:child_process';

/** The CI rule for tests that need a real service (MySQL, Redis): skip with a warning, fail under CI=true. */
export const isCi = (): boolean => process.env.CI === 'true';

/** Under `CI=true` throws; otherwise warns that `kind`'s tests are skipped and returns null. */
export function unreachableService(kind: string, where: string, reason: string): null {
  if (isCi()) throw new Error(`test ${kind} at ${where} is unreachable (${reason}); CI=true forbids skipping`);
  console.warn(`Skipping ${kind} tests: test ${kind} at ${where} is unreachable (${reason}). Set CI=true to fail instead.`);
  return null;
}

/** Whether `host:port` accepts TCP connections; synchronous because Jest registers tests synchronously. */
export function acceptsTcp(host: string, port: number): boolean {
  const probe = `require('net').connect(${port}, ${JSON.stringify(host)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1))
    .setTimeout(2000, () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5_000 }).status === 0;
}

export interface ServiceFixture<T> {
  kind: string;
  host: string;
  port: number;
  /** The fixture for the block, or null when the service went away after the probe. */
  create(): Promise<T | null>;
  release(fixture: T): Promise<void>;
}

/**
 * A `describe` block backed by a fixture of a real service, released after the block. Jest
 * cannot skip at run time, so reachability is probed while registering: unreachable outside
 * CI registers the block as skipped (with a warning); under `CI=true` it runs and fails.
 */
export function describeWithService<T>(name: string, service: ServiceFixture<T>, body: (fixture: () => T) => void): void {
  if (!isCi() && !acceptsTcp(service.host, service.port)) {
    unreachableService(service.kind, `${service.host}:${service.port}`, 'no answer on TCP');
    describe.skip(name, () => body(() => { throw new Error('skipped'); }));
    return;
  }
  describe(name, () => {
    let fixture: T | null = null;
    beforeAll(async () => {
      fixture = await service.create();
      if (!fixture) throw new Error(`test ${service.kind} became unreachable`);
    });
    afterAll(async () => {
      if (fixture) await service.release(fixture);
    });
    body(() => {
      if (!fixture) throw new Error(`test ${service.kind} fixture not ready`);
      return fixture;
    });
  });
}
