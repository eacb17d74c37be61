import { createLogger } from '../../../src/adapters/logging/pino-logger';
import { PinoAuditLog } from '../../../src/adapters/logging/pino-audit-log';
import { captureStream } from './capture';

describe('PinoAuditLog', () => {
  it('writes one structured info line per event', () => {
    const out = captureStream();
    new PinoAuditLog(createLogger({ logLevel: 'info' }, out)).record({
      type: 'login_success', userId: 'u1', username: 'alice', sessionId: 's1', ip: '10.0.0.1', requestId: 'r1',
    });
    expect(out.lines).toHaveLength(1);
    expect(out.records()[0]).toMatchObject({
      level: 30, component: 'audit', event: 'login_success', userId: 'u1', username: 'alice', sessionId: 's1', ip: '10.0.0.1', requestId: 'r1',
    });
    expect(out.records()[0]).not.toHaveProperty('type');
  });

  it('writes reuse detection at warn', () => {
    const out = captureStream();
    new PinoAuditLog(createLogger({ logLevel: 'info' }, out)).record({ type: 'reuse_detected', sessionId: 's1', reason: 'spent token' });
    expect(out.records()[0]).toMatchObject({ level: 40, event: 'reuse_detected', reason: 'spent token' });
  });

  it('never throws, even when the sink does', () => {
    const logger = createLogger({ logLevel: 'info' }, { write: () => { throw new Error('disk full'); } });
    expect(() => new PinoAuditLog(logger).record({ type: 'logout' })).not.toThrow();
  });
});
