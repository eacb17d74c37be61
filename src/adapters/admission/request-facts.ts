import type { IncomingMessage } from 'node:http';
import { clientAddress, type ClientAddress } from '../http/client-address';
import { requestIdFor } from '../http/request-context';
import { tokensFromRequest, type RequestTokens } from '../http/token-source';
import { canonicalPath, PathRefused, type CanonicalPath } from './canonical-path';

/** What admission needs to know of a request, read once whichever transport it came by. */
export interface RequestFacts {
  readonly req: IncomingMessage;
  readonly method: string;
  /** The client's well-formed `X-Request-Id`, else a new one; echoed on every answer. */
  readonly requestId: string;
  /** Null when the target has no canonical path, or the request no `Host` ({@link refusal} says why). */
  readonly canonical: CanonicalPath | null;
  readonly refusal: string | null;
  /** Address, protocol and host under `TRUST_PROXY`, as `X-Forwarded-*` reports them upstream. */
  readonly client: ClientAddress;
  /** The tokens and where they came from. */
  readonly tokens: RequestTokens;
}

export interface FactsSettings {
  trustProxy: number;
  cookieNames: { access: string; refresh: string };
}

/**
 * The {@link RequestFacts.refusal} of an HTTP/1.1 request without a `Host` header, which RFC
 * 9112 §3.2 has a server answer with 400: whatever its path, it is refused as a malformed one.
 */
export const NO_HOST = 'an HTTP/1.1 request needs a Host header';

/** Reads a request's facts; `requestId` when a caller (Koa) already fixed it. */
export function readRequest(req: IncomingMessage, settings: FactsSettings, requestId?: string): RequestFacts {
  let canonical: CanonicalPath | null = null;
  let refusal: string | null = null;
  if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
    refusal = NO_HOST;
  } else {
    try {
      canonical = canonicalPath(req.url ?? '/');
    } catch (e) {
      if (!(e instanceof PathRefused)) throw e;
      refusal = e.message;
    }
  }
  return {
    req,
    method: req.method ?? 'GET',
    requestId: requestId ?? requestIdFor(single(req.headers['x-request-id'])),
    canonical,
    refusal,
    client: clientAddress(req, settings.trustProxy),
    tokens: tokensFromRequest(req, settings.cookieNames),
  };
}

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? undefined : v);
