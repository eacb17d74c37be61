import { createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RunningGateway, type UserSession } from '../support/gateway-harness';
import { patternChunks, RecordingUpstream } from '../support/gateway-upstream';

/**
 * SPEC §5 "Streams request and response bodies": 100 MB each way through the gateway, checksums
 * equal on both sides, and the process's resident memory grows far less than the body.
 * Gateway, upstream and client share this process, so the bound covers all three.
 */

const SIZE = 100 * 1024 * 1024;
const RSS_BUDGET = 60 * 1024 * 1024;

jest.setTimeout(180_000);

let up: RecordingUpstream;
let gw: RunningGateway;
let s: UserSession;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  gw = await RunningGateway.start({ UPSTREAM_URL: up.url, UPSTREAM_TIMEOUT: '120s' });
  s = await gw.session();
  // Warm-up: the first large transfer grows the heap whatever the path; measure after it.
  await upload('/warm-up', 16 * 1024 * 1024);
  await download(`/download/${16 * 1024 * 1024}`);
});
afterAll(async () => {
  await gw.stop();
  await up.close();
});

/** Samples RSS every 20 ms while `work` runs; the peak growth over the starting value. */
async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

/** Hashes the chunks as a generator hands them out: the sender's checksum, with no buffer of the whole. */
function* hashing(hash: ReturnType<typeof createHash>, chunks: Iterable<Buffer>): Generator<Buffer> {
  for (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

function upload(path: string, size = SIZE): Promise<{ status: number; body: string; sentSha: string }> {
  const sent = createHash('sha256');
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: gw.port, path, method: 'POST', agent: false, headers: { Cookie: s.cookie, 'Content-Type': 'application/octet-stream' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentSha: sent.digest('hex') }));
      },
    );
    req.on('error', reject);
    pipeline(Readable.from(hashing(sent, patternChunks(size))), req).catch(reject);
  });
}

/** Reads the response after `stallMs` of not reading at all (a slow client the gateway must not buffer for). */
function download(path: string, stallMs = 0): Promise<{ status: number; bytes: number; sha: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: gw.port, path, agent: false, headers: { Cookie: s.cookie } }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.pause();
      setTimeout(() => {
        res.on('data', (c: Buffer) => {
          hash.update(c);
          bytes += c.length;
        });
        res.resume();
      }, stallMs);
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, sha: hash.digest('hex') }));
    });
    req.on('error', reject);
  });
}

function expectedSha(): string {
  const hash = createHash('sha256');
  for (const chunk of patternChunks(SIZE)) hash.update(chunk);
  return hash.digest('hex');
}

describe('100 MB through the gateway', () => {
  const want = expectedSha();

  it('upload (chunked, from a generator): the upstream receives every byte, same sha256; RSS growth < 60 MB', async () => {
    const { result, growth } = await rssGrowth(() => upload('/upload/big'));
    expect(result.status).toBe(200);
    expect(result.sentSha).toBe(want);
    const seen = up.last('/upload/big');
    expect({ bytes: seen?.bodyBytes, sha: seen?.bodySha256 }).toEqual({ bytes: SIZE, sha: want });
    expect(seen?.headers['x-user-id']).toBe(s.user.id);
    expect(growth).toBeLessThan(RSS_BUDGET);
  });

  it('download: the client receives every byte, same sha256; RSS growth < 60 MB', async () => {
    const { result, growth } = await rssGrowth(() => download(`/download/${SIZE}`));
    expect(result).toEqual({ status: 200, bytes: SIZE, sha: want });
    expect(growth).toBeLessThan(RSS_BUDGET);
  });

  it('download to a client that stalls 2 s first: backpressure, not buffering (RSS growth < 60 MB)', async () => {
    const { result, growth } = await rssGrowth(() => download(`/download/${SIZE}`, 2000));
    expect(result).toEqual({ status: 200, bytes: SIZE, sha: want });
    expect(growth).toBeLessThan(RSS_BUDGET);
  });
});
