import { CLIENT_SCRIPT_MAX_AGE } from './client-script';

const REQUEST_ID = { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' } };

/** `GET /auth/client.js` in the OpenAPI document (SPEC §11). */
export const CLIENT_SCRIPT_PATHS = {
  '/auth/client.js': {
    get: {
      tags: ['system'],
      operationId: 'clientScript',
      summary: 'The browser client: a dependency-free ES module (`createClient({ prefix, mode })`)',
      responses: {
        '200': {
          description: `The built module, cached for ${CLIENT_SCRIPT_MAX_AGE} s and revalidated by its ETag.`,
          headers: {
            ...REQUEST_ID,
            ETag: { description: 'A digest of the file.', required: true, schema: { type: 'string', pattern: '^"[A-Za-z0-9_-]+"$' } },
            'Cache-Control': { description: 'Public, with a `max-age`.', required: true, schema: { type: 'string', pattern: '^public, max-age=[0-9]+$' } },
          },
          content: { 'text/javascript': { schema: { type: 'string' } } },
        },
        '304': { description: 'Unchanged since the ETag in `If-None-Match`.', headers: REQUEST_ID },
        '404': { $ref: '#/components/responses/NotFound' },
        '500': { $ref: '#/components/responses/InternalError' },
      },
    },
  },
};
