import { sql, type RawBuilder } from 'kysely';

/**
 * Many rows as one `SELECT … FROM unnest(…)`: one array parameter per column instead of one parameter
 * per value, which keeps big batches fast to send and plan. `text[]` columns travel as array literals,
 * `jsonb` ones as JSON text.
 */
export type ColumnType =
  'bigint' | 'integer' | 'text' | 'boolean' | 'timestamptz' | 'numeric' | 'text[]' | 'jsonb';

/** `{"a","b \"c\""}`: Postgres's text form of a text array. */
function arrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

export function unnestRows<Row extends Record<string, unknown>>(
  rows: Row[],
  columns: { [K in keyof Row & string]?: ColumnType },
): RawBuilder<never> {
  const entries = Object.entries(columns) as [keyof Row & string, ColumnType][];
  const arrays = entries.map(([name, type]) => {
    const values = rows.map((row) => {
      const value = row[name];
      if (type === 'text[]') return arrayLiteral((value as string[] | null | undefined) ?? []);
      if (type === 'jsonb') return value === undefined || value === null ? null : JSON.stringify(value);
      return value ?? null;
    });
    return sql`${sql.val(values)}::${sql.raw(type === 'text[]' ? 'text' : type)}[]`;
  });
  const names = entries.map(([name]) => sql.ref(name));
  const selected = entries.map(([name, type]) =>
    type === 'text[]' ? sql`${sql.ref(name)}::text[]` : sql.ref(name),
  );
  return sql<never>`SELECT ${sql.join(selected)} FROM unnest(${sql.join(arrays)}) AS batch(${sql.join(names)})`;
}
