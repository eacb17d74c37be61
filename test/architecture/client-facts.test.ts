import * as fs from 'node:fs';
import * as path from 'node:path';
import { findUses } from './import-scanner';
import { listSourceFiles } from './layer-rules';

/**
 * CONVENTIONS 14 (one rule, one place): the client's IP, protocol and host under TRUST_PROXY
 * are read by `clientAddress` alone (src/adapters/http/client-address.ts), on the raw path and
 * on Koa's (`clientOf(ctx)`). Koa's own getters read `X-Forwarded-*` by rules of their own;
 * a call to one would let the two paths drift apart again.
 */
const ROOT = path.resolve(__dirname, '../..');
const KOA_CLIENT_GETTERS = /\b(?:ctx|context)(?:\.request)?\.(?:ip|ips|protocol|secure|host|hostname|origin|href|URL|subdomains)\b/;

describe('the client address has one reading', () => {
  it('no adapter reads Koa\'s ctx.ip, ctx.protocol, ctx.host or what derives from them', () => {
    const uses = listSourceFiles(ROOT, 'src/adapters').flatMap((file) =>
      findUses(fs.readFileSync(path.join(ROOT, file), 'utf8'), KOA_CLIENT_GETTERS).map((line) => `${file}:${line}`),
    );
    expect(uses).toEqual([]);
  });

  it('the pattern catches such a read', () => {
    expect(findUses('const a = ctx.ip;\nconst b = ctx.request.protocol;\n// ctx.host in a comment\nconst c = ctx.origin;', KOA_CLIENT_GETTERS)).toEqual([1, 2, 4]);
  });
});
