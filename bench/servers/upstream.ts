import http from 'node:http';
import { ITEM_BODY } from './item-body';

/**
 * The benchmark's upstream: every path answers the same ~200-byte JSON document
 * (`BENCH_BODY=empty`: an empty 200, the "bare Node HTTP server answering 200";
 * `BENCH_BODY=identity`: a 200 with the headers and body of a passing `/auth/verify`).
 */
const BODY = Buffer.from(ITEM_BODY);
const empty = process.env.BENCH_BODY === 'empty';
const identity = process.env.BENCH_BODY === 'identity';

/** `BENCH_BODY=identity`: the bytes tokengate's `/auth/verify` answers, fixed (same header names, similar lengths). */
const ID = 'AbCdEfGhIjKlMnOpQrStUv';
const IDENTITY_BODY = JSON.stringify({ sub: ID, username: 'bench', roles: [], sid: ID });
const IDENTITY_HEADERS = {
  'x-request-id': '3f2b8c1e-7d4a-4e9b-a1c2-5d6e7f8a9b0c',
  'x-user-id': ID,
  'x-user-name': 'bench',
  'x-user-roles': '',
  'x-session-id': ID,
  'cache-control': 'no-store',
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'content-length': String(Buffer.byteLength(IDENTITY_BODY)),
};

const server = http.createServer((req, res) => {
  req.resume();
  if (empty) {
    res.writeHead(200, { 'content-length': '0' });
    res.end();
    return;
  }
  if (identity) {
    res.writeHead(200, IDENTITY_HEADERS);
    res.end(IDENTITY_BODY);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BODY.length) });
  res.end(BODY);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
