import http, { type RequestListener } from 'node:http';
import request from 'supertest';
import { withHotPath, type FastHandler } from '../../../src/adapters/http/hot-path';

const slow: RequestListener = (_req, res) => {
  res.writeHead(200, { 'x-answered-by': 'koa' });
  res.end();
};
const fast: FastHandler = (_req, res, path) => {
  if (path !== '/fast') return false;
  res.writeHead(200, { 'x-answered-by': 'fast' });
  res.end();
  return true;
};

describe('withHotPath', () => {
  it('lets a fast handler answer, and Koa whatever it declines', async () => {
    const app = withHotPath([fast], slow);
    expect((await request(app).get('/fast?x=1')).headers['x-answered-by']).toBe('fast');
    expect((await request(app).get('/other')).headers['x-answered-by']).toBe('koa');
  });

  it('hands a request to Koa when a handler throws before writing anything', async () => {
    const throwing: FastHandler = () => {
      throw new Error('decision failed');
    };
    const res = await request(withHotPath([throwing], slow)).get('/fast');
    expect(res.headers['x-answered-by']).toBe('koa');
  });

  it('never tries a target that is not origin-form', async () => {
    const seen: string[] = [];
    const spy: FastHandler = (_req, _res, path) => {
      seen.push(path);
      return false;
    };
    const server = http.createServer(withHotPath([spy], slow));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'OPTIONS', path: '*' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(seen).toEqual([]);
    } finally {
      server.close();
    }
  });
});
