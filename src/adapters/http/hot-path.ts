import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * A handler of the hot path: answers the request itself and returns true, or returns false
 * (or throws) having written nothing, and the Koa application answers instead. `path` is the
 * request target's path, before any `?`.
 */
export type FastHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/**
 * The HTTP server's `request` listener: the fast handlers first (requests that pass with
 * nothing to reissue and no storage to ask), then Koa for everything else. Only
 * origin-form targets (`/path?query`) are tried fast; any other form goes to Koa.
 */
export function withHotPath(fast: FastHandler[], slow: RequestListener): RequestListener {
  return (req, res) => {
    const url = req.url ?? '';
    if (url.charCodeAt(0) === 47 /* / */) {
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      for (const handler of fast) {
        let taken: boolean;
        try {
          taken = handler(req, res, path);
        } catch (e) {
          if (res.headersSent) throw e;
          taken = false; // nothing written yet: whatever went wrong, Koa answers it
        }
        if (taken) return;
      }
    }
    slow(req, res);
  };
}
