import http from 'node:http';

/**
 * The benchmark's upstream: every path answers the same ~200-byte JSON document
 * (`BENCH_BODY=empty`: an empty 200, the "bare Node HTTP server answering 200").
 */
const BODY = Buffer.from(
  JSON.stringify({
    id: 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    name: 'benchmark item',
    tags: ['alpha', 'beta', 'gamma'],
    price: 1234.5,
    stock: 42,
    active: true,
    updatedAt: '2030-01-01T00:00:00.000Z',
    note: 'a small JSON payload for proxy benchmarks',
  }),
);
const empty = process.env.BENCH_BODY === 'empty';

const server = http.createServer((req, res) => {
  req.resume();
  if (empty) {
    res.writeHead(200, { 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BODY.length) });
  res.end(BODY);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
