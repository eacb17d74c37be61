import { isIPv6 } from 'node:net';

/**
 * Host name syntax, one rule for what the gateway listens on (`HOST`) and for the host a
 * client or a trusted proxy names (`Host`, `X-Forwarded-Host`). Hand loops: these run on
 * every proxied request, and cache nothing.
 */

const DOT = 0x2e;
const HYPHEN = 0x2d;
const COLON = 0x3a;
const UNDERSCORE = 0x5f;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLetter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/**
 * Whether `name` is a host name: dot-separated labels of 1–63 letters, digits, `-` and `_`,
 * none starting or ending with `-`, 253 characters at most, and one trailing dot allowed (an
 * absolute name, as a browser sends `example.com.`). RFC 1123 §2.1 plus `_`, which DNS has no
 * rule against and browsers and Docker service names (`legacy_app`) use. A name whose last
 * label is all digits is read as an IPv4 address by URL parsers (WHATWG URL, browsers), so it
 * counts only when it is one (`10.0.0.5`, not `999.1.1.1` or `1.2.3`).
 */
export function isHostname(name: string): boolean {
  return isHostnameIn(name, 0, name.length);
}

/** {@link isHostname} for `text[from, to)`, without slicing it out. */
function isHostnameIn(text: string, from: number, to: number): boolean {
  if (to - from > 1 && text.charCodeAt(to - 1) === DOT) to -= 1;
  if (to <= from || to - from > 253) return false;
  let start = from;
  let labels = 1;
  let numeric = true; // the label so far is all digits
  let allNumeric = true; // and so was every label before it
  let octet = 0;
  let octets = true; // every numeric label so far is 0–255 without a leading zero
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (i === start || i - start > 63 || text.charCodeAt(i - 1) === HYPHEN) return false;
      allNumeric &&= numeric;
      start = i + 1;
      labels += 1;
      numeric = true;
      octet = 0;
    } else if (isDigit(c)) {
      if (numeric) {
        if (i > start && octet === 0) octets = false;
        octet = octet * 10 + (c - 0x30);
        if (octet > 255) octets = false;
      }
    } else if (isLetter(c) || c === UNDERSCORE || (c === HYPHEN && i !== start)) {
      numeric = false;
    } else {
      return false;
    }
  }
  if (to === start || to - start > 63 || text.charCodeAt(to - 1) === HYPHEN) return false;
  // A numeric last label makes the whole name an IPv4 address, dotted-quad (as `net.isIPv4`).
  return !numeric || (allNumeric && labels === 4 && octets);
}

/** Digits only, 1–65535. */
function isPort(text: string, from: number): boolean {
  const n = text.length;
  if (from === n || n - from > 5) return false;
  let value = 0;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return false;
    value = value * 10 + (c - 0x30);
  }
  return value >= 1 && value <= 65535;
}

/**
 * Whether `authority` is `host[:port]` as a `Host` header carries it (RFC 9110 §7.2): a
 * {@link isHostname host name} or IPv4 address, or an IPv6 address in brackets (no zone),
 * then optionally `:` and a port of 1–65535 in digits. No userinfo, path, query or blank.
 */
export function isAuthority(authority: string): boolean {
  let end: number;
  if (authority.charCodeAt(0) === 0x5b) {
    end = authority.indexOf(']');
    if (end < 0) return false;
    const address = authority.slice(1, end);
    if (address.includes('%') || !isIPv6(address)) return false;
    end += 1;
    if (end === authority.length) return true;
    if (authority.charCodeAt(end) !== COLON) return false;
  } else {
    end = authority.indexOf(':');
    if (end < 0) return isHostname(authority);
    if (!isHostnameIn(authority, 0, end)) return false;
  }
  return isPort(authority, end + 1);
}
