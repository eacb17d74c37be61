import { ERROR_CODES } from '../../src/domain/errors';
import { authRouter } from '../../src/adapters/http/auth-routes';
import { ERROR_STATUS } from '../../src/adapters/http/error-status';
import { OPENAPI_DOCUMENT } from '../../src/adapters/http/openapi';
import { openApiForPrefix } from '../../src/adapters/http/openapi-route';
import { systemRouter } from '../../src/adapters/http/system-routes';
import { TYPES } from '../../src/container';
import { OpenApiChecker, OPERATION_METHODS, type Json } from './openapi-checker';
import { OpenApiGateway } from './openapi-gateway';
import { operations, schemaPointers, structureProblems } from './openapi-structure';

const doc = OPENAPI_DOCUMENT as Json;

/** `METHOD path` pairs, HEAD left out where GET is there (Koa's router adds it to every GET). */
function endpoints(pairs: { path: string; methods: string[] }[]): string[] {
  const out = new Set<string>();
  for (const { path, methods } of pairs) {
    const upper = methods.map((m) => m.toUpperCase()).filter((m) => OPERATION_METHODS.includes(m.toLowerCase()));
    for (const m of upper) if (!(m === 'HEAD' && upper.includes('GET'))) out.add(`${m} ${path}`);
  }
  return [...out].sort();
}

describe('the OpenAPI document', () => {
  it('follows the OpenAPI 3.1 structure rules', () => {
    expect(structureProblems(doc, ERROR_STATUS)).toEqual([]);
  });

  it('holds schemas that all compile with Ajv (JSON Schema 2020-12, strict mode)', () => {
    const checker = new OpenApiChecker(doc);
    const pointers = schemaPointers(doc);
    const failures = pointers.flatMap((p) => {
      try {
        checker.schema(p);
        return [];
      } catch (e) {
        return [`${p}: ${(e as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
    expect(pointers.length).toBeGreaterThan(60);
  });

  it('has examples that validate against their own schemas', () => {
    const checker = new OpenApiChecker(doc);
    const examples = Object.entries(doc.components.schemas as Json).flatMap(([name, s]) =>
      ((s as Json).examples ?? []).map((example: unknown) => checker.errors(`#/components/schemas/${name}`, example)),
    );
    expect(examples.length).toBeGreaterThan(0);
    expect(examples.flat()).toEqual([]);
  });

  it('names every error code, and a closed TokenResponse', () => {
    expect(doc.components.schemas.Error.properties.error.enum).toEqual([...ERROR_CODES]);
    expect(doc.components.schemas.Error.required).toEqual(['error', 'error_description']);
    const token = doc.components.schemas.TokenResponse;
    expect(token.additionalProperties).toBe(false);
    expect(token.required).toEqual(['tokenType', 'accessToken', 'expiresIn', 'refreshToken', 'refreshExpiresIn', 'reissued']);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['accessCookie', 'bearerAuth', 'refreshCookie', 'refreshHeader']);
  });

  it('moves its paths and texts under another prefix', () => {
    const moved = openApiForPrefix('/gate/v1');
    const text = JSON.stringify(moved);
    expect(Object.keys(moved.paths as Json)).toEqual(Object.keys(doc.paths).map((p) => p.replace(/^\/auth\//, '/gate/v1/')));
    expect(text).not.toMatch(/\/auth(?![A-Za-z0-9._~-])/);
    expect(JSON.stringify(openApiForPrefix('/auth'))).toBe(JSON.stringify(doc));
  });
});

describe('the OpenAPI document against the running routers', () => {
  let gw: OpenApiGateway;
  let gate: OpenApiGateway;
  beforeAll(async () => {
    [gw, gate] = await Promise.all([OpenApiGateway.start(), OpenApiGateway.start({ AUTH_PREFIX: '/gate/v1' })]);
  });
  afterAll(async () => {
    await Promise.all([gw?.stop(), gate?.stop()]);
  });

  it('documents every route the auth and system routers serve, and no other', () => {
    const deps = gw.comp.container.get(TYPES.HttpDeps);
    const served = [...authRouter(deps).stack, ...systemRouter(deps).stack].map((l) => ({ path: String(l.path), methods: l.methods }));
    const documented = Object.keys(doc.paths).map((path) => ({ path, methods: operations(doc).filter((o) => o.path === path).map((o) => o.method) }));
    expect(endpoints(documented)).toEqual(endpoints(served));
  });

  it.each([
    ['/auth', () => gw],
    ['/gate/v1', () => gate],
  ])('is served at %s/openapi.json with that prefix in its paths', async (prefix, gateway) => {
    const res = await gateway().send('GET', '/auth/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual(openApiForPrefix(prefix));
    expect(Object.keys(res.body.paths)).toContain(`${prefix}/login`);
    const head = await gateway().send('HEAD', '/auth/openapi.json');
    expect(head.status).toBe(200);
    expect((await gateway().send('POST', '/auth/openapi.json')).status).toBe(405);
  });
});
