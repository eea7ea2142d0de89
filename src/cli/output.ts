import { escapeUnsafe } from '../shared/text.js';

/** Writes a command's result: JSON for scripts (`--json`), aligned text for people. */
export function printResult(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Notes beside a result (how a value was read, what will not happen yet): on stderr, JSON with --json. */
export function printNotes(json: boolean, notes: string[]): void {
  for (const note of notes) {
    process.stderr.write(json ? `${JSON.stringify({ note })}\n` : `note: ${escapeUnsafe(note)}\n`);
  }
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (value: unknown) =>
    escapeUnsafe(
      value instanceof Date
        ? value.toISOString()
        : value === null || value === undefined
          ? ''
          : String(value),
    );
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map((row) => line(columns.map((column) => cell(row[column]))))].join('\n');
}

export function keyValues(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  return Object.entries(record)
    .map(([key, value]) => {
      const text =
        value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(',') : String(value);
      return `${key.padEnd(width)}  ${escapeUnsafe(text)}`;
    })
    .join('\n');
}
