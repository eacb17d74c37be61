/** Names undici may take unchecked: lower-case letters, digits and inner `-` (within RFC 9110's token grammar). */
const PLAIN_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** undici's table of the header names it knows, lower-case spelling by spelling; null when this undici has none. */
export type NameTable = Record<string, string | undefined> | null;

/** The table of the undici the proxy runs on (undici 7: `lib/core/constants.js`). */
export function undiciNameTable(): NameTable {
  try {
    // The very module instance `import 'undici'` loaded (one require cache), so the proxy's Agent reads this table.
    const constants = require('undici/lib/core/constants.js') as { headerNameLowerCasedRecord?: unknown };
    const table = constants.headerNameLowerCasedRecord;
    return table !== null && typeof table === 'object' ? (table as Record<string, string | undefined>) : null;
  } catch {
    return null;
  }
}

/**
 * Enters the header names tokengate adds to every proxied request in undici's table of
 * well-known names, once, at start.
 *
 * undici checks each request header it is handed. A name missing from that table is
 * lower-cased into a new string, looked up again and matched against the token grammar;
 * for the nine names tokengate adds (SPEC §5's eight and `x-user-amr`) this was about 6,200
 * instructions a proxied request, 3.7 % of them (docs/performance.md, "undici's header checks"). These names are fixed and plain, so
 * undici may take them as it takes `content-type`; it still checks every value, and every
 * name a client sends. A name already in the table keeps its entry.
 *
 * The table is undici's own, not its API: where it is missing (another major version),
 * nothing is entered and undici checks these names like any other, which is slower and
 * never wrong. Returns how many of `names` the table now holds.
 */
export function enterKnownHeaderNames(names: readonly string[], table: NameTable = undiciNameTable()): number {
  for (const name of names) {
    if (!PLAIN_NAME.test(name)) throw new Error(`not a plain lower-case header name: ${JSON.stringify(name)}`);
  }
  if (table === null) return 0;
  let known = 0;
  for (const name of names) {
    table[name] ??= name;
    if (table[name] === name) known++;
  }
  return known;
}
