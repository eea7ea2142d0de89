import type { ColumnType, Generated, Selectable } from 'kysely';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** An Amazon order a download could not take as Amazon sent it, kept until a retry stores it. */
export interface OrderDownloadProblemsTable {
  id: Generated<number>;
  company_id: number;
  /** Null when Amazon's order id itself was missing or malformed. */
  amazon_order_id: string | null;
  /** Operation, order, field and what is wrong; never the field's value. */
  problem: string;
  /** Where it was last seen (page, report or retry); null for rows recorded before sources were kept. */
  source: string | null;
  first_seen_at: Defaulted<Date>;
  last_seen_at: Defaulted<Date>;
  seen_by_run_id: number | null;
  resolved_at: Date | null;
}

export type OrderDownloadProblemRow = Selectable<OrderDownloadProblemsTable>;
