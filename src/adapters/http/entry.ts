import { ServerResponse, type IncomingMessage, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
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

/**
 * The server's `connect` listener. Node gives a `CONNECT` to this event instead of the request
 * listener, and closes the connection unanswered when nobody listens. tokengate is no forward
 * proxy: the request goes to the same listener as any other, on a response made for its
 * socket, so an auth endpoint answers 405 with `Allow` and the admission refuses every other
 * target with 400 `invalid_request`. The connection closes after the answer.
 */
export function connectListener(listener: RequestListener): (req: IncomingMessage, socket: Duplex) => void {
  return (req, socket) => {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => {
      res.detachSocket(socket as Socket);
      socket.end();
    });
    listener(req, res);
  };
}
