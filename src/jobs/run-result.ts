/**
 * How a job's handler ends, and what the run records. Only work done through to the present is
 * `succeeded`: a run that Amazon throttled, that only caught up an older window, or that stopped for
 * shutdown says so, with why, and the counts of what it did get done.
 */
export type RunResult<Counts> =
  | { status: 'succeeded'; counts: Counts }
  /** Not finished; a later run is already queued to go on from where this one committed. */
  | { status: 'deferred'; counts: Counts; reason: string }
  /** Stopped at a safe point (shutdown, or its lease was lost); the next run resumes from the cursor. */
  | { status: 'stopped'; counts: Counts; reason: string };

export function succeeded<Counts>(counts: Counts): RunResult<Counts> {
  return { status: 'succeeded', counts };
}
