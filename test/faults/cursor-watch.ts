import type { Db } from '../../src/db/client.js';

export interface CursorRegression {
  companyId: number;
  stream: string;
  field: string;
  from: string;
  to: string;
}

/** Every instant a cursor position holds, by field path (`committedUntil`, `window.start`, …). */
function instantsOf(position: unknown, path = ''): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof position === 'string' && /^\d{4}-\d\d-\d\dT/.test(position)) found.set(path, position);
  else if (position && typeof position === 'object')
    for (const [key, value] of Object.entries(position))
      for (const [field, instant] of instantsOf(value, path ? `${path}.${key}` : key))
        found.set(field, instant);
  return found;
}

/**
 * Samples `sync_cursors` while faults are injected and remembers every move backwards of a committed
 * position. Only `committedUntil` must never move back: a window in progress may be restarted from it.
 */
export class CursorWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly last = new Map<string, string>();
  readonly regressions: CursorRegression[] = [];
  samples = 0;

  constructor(
    private readonly db: Db,
    private readonly fields: readonly string[] = ['committedUntil'],
  ) {}

  start(everyMs = 200): void {
    this.stop();
    this.timer = setInterval(() => {
      this.sample().catch(() => undefined); // a sample lost to a fault is simply not taken
    }, everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async sample(): Promise<void> {
    const rows = await this.db
      .selectFrom('sync_cursors')
      .select(['company_id', 'stream', 'position'])
      .execute();
    this.samples += 1;
    for (const row of rows) {
      for (const [field, instant] of instantsOf(row.position)) {
        if (!this.fields.includes(field)) continue;
        const key = `${row.company_id}/${row.stream}/${field}`;
        const before = this.last.get(key);
        if (before !== undefined && Date.parse(instant) < Date.parse(before))
          this.regressions.push({
            companyId: row.company_id,
            stream: row.stream,
            field,
            from: before,
            to: instant,
          });
        if (before === undefined || Date.parse(instant) >= Date.parse(before)) this.last.set(key, instant);
      }
    }
  }
}
