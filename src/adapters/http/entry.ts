import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Admission } from '../admission/admission';
import type { RequestFacts } from '../admission/request-facts';

export interface EntryParts {
  admission: Admission;
  /** The canonical key of `<prefix>/verify`. */
  verifyKey: string;
  /** Forward-auth's writer; false when it leaves the request to Koa (CORS). */
  verify(facts: RequestFacts, res: ServerResponse): boolean;
  /** The reverse proxy's writer. */
  proxy(facts: RequestFacts, res: ServerResponse): void;
  /** Koa: tokengate's own endpoints. */
  koa(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * The HTTP server's `request` listener, where every request enters: its facts are read
 * once; a path tokengate does not own goes to the proxy writer, `/auth/verify` to the
 * forward-auth writer, and the rest of tokengate's own endpoints to Koa.
 */
export function gatewayListener(parts: EntryParts): RequestListener {
  const { admission } = parts;
  return (req, res) => {
    const facts = admission.read(req);
    if (!admission.owns(facts)) return parts.proxy(facts, res);
    if (facts.canonical?.key === parts.verifyKey && parts.verify(facts, res)) return;
    parts.koa(req, res);
  };
}
