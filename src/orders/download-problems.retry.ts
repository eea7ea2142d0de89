import { AmazonResponseError, isAmazonError } from '../amazon/errors.js';
import type { AmazonOrder } from '../amazon/port.js';
import { addCounts, commitDrafts, stopIfAborted, type DownloadContext } from './download-context.js';
import {
  findRetryableProblems,
  resolveProblem,
  touchProblem,
  type DownloadProblem,
} from './download-problems.repository.js';
import { downloadCustomizations, draftsOf, FULL_DATA } from './search-pages.js';

/** Orders asked for again per run: well within getOrder's burst, so the download itself is not held up. */
export const PROBLEM_RETRIES_PER_RUN = 10;

/** Stores the order as a page would, and marks its problem resolved in the same transaction. */
async function storeFixedOrder(context: DownloadContext, problem: DownloadProblem, order: AmazonOrder) {
  const { drafts, rejected } = draftsOf([order]);
  const [stillMalformed] = rejected;
  if (stillMalformed) {
    await touchProblem(context.db, problem.id, context.runId, stillMalformed.problem, context.now());
    addCounts(context, { problemsStillOpen: 1 });
    return;
  }
  const customizations = await downloadCustomizations(context, drafts);
  const [unstorable] = await commitDrafts(
    context,
    drafts,
    `getOrder(problem):${problem.id}`,
    async (tx, refused) => {
      const [stillBad] = refused;
      if (stillBad) await touchProblem(tx, problem.id, context.runId, stillBad.problem, context.now());
      else await resolveProblem(tx, problem.id, context.now());
    },
    customizations,
  );
  if (unstorable) {
    addCounts(context, { problemsStillOpen: 1 });
    return;
  }
  addCounts(context, { problemsResolved: 1 });
  context.logger.info(
    { companyId: context.company.id, amazonOrderId: problem.amazonOrderId },
    'amazon order that was malformed now validates; stored and its download problem resolved',
  );
}

/** Asks Amazon again for one order; false when the gateway says to stop asking for this run. */
async function retryProblem(context: DownloadContext, problem: DownloadProblem): Promise<boolean> {
  const amazonOrderId = problem.amazonOrderId as string;
  let order: AmazonOrder;
  try {
    order = await context.port.getOrder(amazonOrderId, FULL_DATA);
  } catch (err) {
    if (err instanceof AmazonResponseError) {
      await touchProblem(context.db, problem.id, context.runId, err.message, context.now());
      addCounts(context, { problemsStillOpen: 1 });
      return true;
    }
    if (!isAmazonError(err)) throw err;
    context.logger.warn(
      { companyId: context.company.id, amazonOrderId, kind: err.kind, reason: err.message },
      'retrying a malformed amazon order failed; it stays open',
    );
    return err.kind !== 'throttled' && err.kind !== 'authorization_revoked';
  }
  await storeFixedOrder(context, problem, order);
  return true;
}

/**
 * Asks Amazon again for the company's open malformed orders (a few per run, least recently seen first):
 * an order that now validates is stored and its problem resolved; one that still fails stays open with
 * its newest problem. Orders without an id cannot be asked for and stay listed.
 */
export async function retryDownloadProblems(context: DownloadContext): Promise<void> {
  const problems = await findRetryableProblems(context.db, context.company.id, PROBLEM_RETRIES_PER_RUN);
  for (const problem of problems) {
    stopIfAborted(context);
    if (!(await retryProblem(context, problem))) return;
  }
}
