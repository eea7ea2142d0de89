import type { ColumnType, Selectable } from 'kysely';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** An Amazon operation the company's grant may not call (Amazon answered 403: a role is missing). */
export interface CompanyOperationProblemsTable {
  company_id: number;
  operation: string;
  /** Amazon's message and details; never a token. */
  problem: string;
  status: number | null;
  first_seen_at: Defaulted<Date>;
  last_seen_at: Defaulted<Date>;
}

export type CompanyOperationProblemRow = Selectable<CompanyOperationProblemsTable>;
