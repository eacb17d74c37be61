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

/**
 * The {@link RequestFacts.refusal} of a request body in a transfer coding other than `chunked`
 * alone (`gzip, chunked`): Node reads the chunks but not the coding, and the upstream would get
 * coded bytes as a plain body. nginx answers such a request 501; tokengate refuses it as malformed.
 */
export const UNSUPPORTED_CODING = 'a request body may only be sent with Transfer-Encoding: chunked';

/** Refusals of the request as a whole, not of its path: whatever the path, the proxy's admission answers them (400). */
export const WHOLE_REQUEST_REFUSALS: ReadonlySet<string> = new Set([NO_HOST, UNSUPPORTED_CODING]);

/** Reads a request's facts; `requestId` when a caller (Koa) already fixed it. */
export function readRequest(req: IncomingMessage, settings: FactsSettings, requestId?: string): RequestFacts {
  let canonical: CanonicalPath | null = null;
  let refusal: string | null = null;
  if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
    refusal = NO_HOST;
  } else if (req.headers['transfer-encoding'] !== undefined && !isChunkedOnly(req.headers['transfer-encoding'])) {
    refusal = UNSUPPORTED_CODING;
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

const isChunkedOnly = (te: string): boolean => te.trim().toLowerCase() === 'chunked';
