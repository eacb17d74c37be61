import fastifyCookie from '@fastify/cookie';
import fastifyProxy from '@fastify/http-proxy';
import fastifyJwt from '@fastify/jwt';
import Fastify from 'fastify';

/**
 * The framework peer, as `../shared/anchors/peers/fastify.js` builds it: what a
 * performance-minded team would assemble instead of tokengate. fastify + @fastify/http-proxy
 * (@fastify/reply-from on undici) + @fastify/jwt (fast-jwt) + @fastify/cookie: HS256 only, `iss`
 * and `aud` checked, the bearer token first and the `access_token` cookie second, 401 without a
 * valid token, `x-user-id` (the token's `sub`) to the upstream. Configured with tokengate's
 * secret, issuer and audience (`JWT_SECRET`, `JWT_ISSUER`, `JWT_AUDIENCE`), so one token works
 * at both.
 */
const env = process.env;
const app = Fastify({ logger: false });

app.register(fastifyCookie);
app.register(fastifyJwt, {
  secret: env.JWT_SECRET ?? '',
  cookie: { cookieName: env.JWT_COOKIE ?? 'access_token', signed: false },
  verify: { algorithms: ['HS256'], allowedIss: env.JWT_ISSUER ?? 'tokengate', allowedAud: env.JWT_AUDIENCE ?? 'tokengate' },
});
app.register(fastifyProxy, {
  upstream: env.UPSTREAM_URL ?? 'http://127.0.0.1:9',
  preHandler: async (request, reply) => {
    try {
      await request.jwtVerify();
    } catch {
      reply.code(401).send({ error: 'unauthorized' });
      return reply;
    }
  },
  replyOptions: {
    rewriteRequestHeaders: (request, headers) => {
      headers['x-user-id'] = String((request.user as { sub?: unknown }).sub);
      return headers;
    },
  },
});

app.listen({ port: Number(env.PORT), host: '127.0.0.1' }).catch((e: unknown) => {
  process.stderr.write(`fastify peer: ${String(e)}\n`);
  process.exit(1);
});
process.once('SIGTERM', () => process.exit(0));
