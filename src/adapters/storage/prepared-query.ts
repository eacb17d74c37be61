import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';

/**
 * Prepared statements for the few queries every refresh runs. Knex builds and compiles its SQL
 * anew on every call, and sends it through mysql2's text protocol, which escapes each value into
 * the SQL on the client and makes the server parse it again; Knex has no prepared statements of
 * its own. A query here is still written once, with Knex's builder: it is compiled once, and each
 * call sends only its values, through mysql2's `execute` (the binary protocol; mysql2 keeps the
 * statement per connection) or a better-sqlite3 statement kept per connection. Measured on
 * MariaDB: about a third less client CPU and a quarter less server CPU for the refresh's two
 * statements (docs/performance.md, "Prepared statements for the refresh").
 */

/** A value a prepared query binds: what both drivers take unconverted. */
export type BoundValue = string | number | null;

const MARK = '\u0000tokengate-parameter:';

/** Stands in for the value of parameter `name` while the builder compiles a prepared query. */
export function parameter(name: string): string {
  return `${MARK}${name}`;
}

type Slot<P extends string> = { name: P } | { value: unknown };

/** A compiled query: its SQL and where each named parameter goes among its bindings. */
export interface PreparedQuery<P extends string> {
  readonly sql: string;
  readonly slots: readonly Slot<P>[];
}

type Driver = 'mysql2' | 'better-sqlite3';

const perKnex = new WeakMap<Knex, PreparedStatements>();

/** The {@link PreparedStatements} of `db`, shared by the repositories on it. */
export function preparedStatements(db: Knex): PreparedStatements {
  let prepared = perKnex.get(db);
  if (!prepared) perKnex.set(db, (prepared = new PreparedStatements(db)));
  return prepared;
}

/** What the rest of the adapter runs prepared queries through; see {@link preparedStatements}. */
export class PreparedStatements {
  private readonly driver: Driver;
  private readonly sqliteStatements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

  constructor(private readonly db: Knex) {
    const name = (db.client as { driverName?: unknown }).driverName;
    if (name !== 'mysql2' && name !== 'better-sqlite3') throw new Error(`prepared statements need mysql2 or better-sqlite3, not ${String(name)}`);
    this.driver = name;
  }

  /**
   * Compiles `builder`, whose values are {@link parameter} placeholders (or constants, kept as
   * they are), once. `names` lists the parameters the query must bind: a name the compiled
   * bindings lack (or one they have that is not listed) throws here, not at the first request.
   */
  prepare<P extends string>(builder: Knex.QueryBuilder, names: readonly P[]): PreparedQuery<P> {
    const { sql, bindings } = builder.toSQL().toNative();
    const slots = bindings.map((b): Slot<P> => (typeof b === 'string' && b.startsWith(MARK) ? { name: b.slice(MARK.length) as P } : { value: b }));
    const bound = new Set(slots.flatMap((s) => ('name' in s ? [s.name] : [])));
    const listed = new Set<string>(names);
    for (const name of bound) if (!listed.has(name)) throw new Error(`prepared query binds ${name}, which is not listed`);
    for (const name of listed) if (!bound.has(name as P)) throw new Error(`prepared query never binds ${name}`);
    return { sql, slots };
  }

  /** The first row a SELECT answers, or undefined. */
  first<Row, P extends string>(query: PreparedQuery<P>, values: Record<P, BoundValue>): Promise<Row | undefined> {
    return this.run(query, values, true) as Promise<Row | undefined>;
  }

  /** How many rows an UPDATE or DELETE matched. */
  changes<P extends string>(query: PreparedQuery<P>, values: Record<P, BoundValue>): Promise<number> {
    return this.run(query, values, false) as Promise<number>;
  }

  private async run<P extends string>(query: PreparedQuery<P>, values: Record<P, BoundValue>, reads: boolean): Promise<unknown> {
    const bindings = query.slots.map((s) => ('name' in s ? values[s.name] : s.value));
    const client = this.db.client as { acquireConnection(): Promise<unknown>; releaseConnection(connection: unknown): unknown };
    const connection = await client.acquireConnection();
    try {
      if (this.driver === 'mysql2') return await executeMysql(connection as MysqlConnection, query.sql, bindings, reads);
      return this.runSqlite(connection as BetterSqlite3.Database, query.sql, bindings, reads);
    } finally {
      void client.releaseConnection(connection);
    }
  }

  private runSqlite(connection: BetterSqlite3.Database, sql: string, bindings: unknown[], reads: boolean): unknown {
    let statements = this.sqliteStatements.get(connection);
    if (!statements) this.sqliteStatements.set(connection, (statements = new Map()));
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
    return reads ? statement.get(bindings) : statement.run(bindings).changes;
  }
}

interface MysqlConnection {
  execute(sql: string, values: unknown[], callback: (err: Error | null, result: unknown) => void): void;
}

function executeMysql(connection: MysqlConnection, sql: string, bindings: unknown[], reads: boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.execute(sql, bindings, (err, result) => {
      if (err) reject(err);
      else if (reads) resolve((result as unknown[])[0]);
      else resolve((result as { affectedRows: number }).affectedRows);
    });
  });
}
