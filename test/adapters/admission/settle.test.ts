import { settle } from '../../../src/adapters/admission/admission';

/** A writer's failure goes to its fail handler (a logged 500), never to an unhandled rejection that would end the process. */
describe('settle', () => {
  it('uses a value at once, and hands a throw from the use to fail', () => {
    const used: number[] = [];
    const failed: unknown[] = [];
    settle(1, (v) => used.push(v), (e) => failed.push(e));
    settle(2, () => {
      throw new Error('boom');
    }, (e) => failed.push(e));
    expect(used).toEqual([1]);
    expect(failed).toEqual([new Error('boom')]);
  });

  it('waits for a promise, and hands a throw from the use to fail', async () => {
    const failed: unknown[] = [];
    const used: number[] = [];
    await new Promise<void>((resolve) => settle(Promise.resolve(3), (v) => { used.push(v); resolve(); }, (e) => failed.push(e)));
    await new Promise<void>((resolve) => settle(Promise.resolve(4), () => { throw new Error('late'); }, (e) => { failed.push(e); resolve(); }));
    expect(used).toEqual([3]);
    expect(failed).toEqual([new Error('late')]);
  });
});
