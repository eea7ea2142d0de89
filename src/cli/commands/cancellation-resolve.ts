import { Command } from 'commander';
import { releaseCancellation, requeueCancellation } from '../../cancellations/cancellations.resolve.js';
import { getCompany } from '../../companies/companies.service.js';
import { fulfillmentShipmentGuard } from '../../fulfillment/cancellation-guard.js';
import { enqueueManualRun } from '../../jobs/queues.js';
import { printResult } from '../output.js';
import { parseId } from '../parse.js';
import type { AppContext } from '../../context.js';
import { withApp, withQueues } from '../session.js';
import { auditCli } from '../audit.js';
import { clockOf } from '../../context.js';

/** Queues a cancellation upload now; false when Redis is away (the scheduled upload is the safety net). */
export async function queueCancellationUpload(app: AppContext, companyId: number): Promise<boolean> {
  return withQueues(app, (queues) => enqueueManualRun(queues, 'cancellation-upload', companyId)).then(
    () => true,
    () => false,
  );
}

export function describeQueued(queued: boolean): string {
  return queued
    ? 'queued for the cancellation upload'
    : 'the next scheduled cancellation upload sends it (the queue is unreachable)';
}

/** A command acting on one rejected cancellation of a company. */
function rejectedCancellationCommand<Result>(
  name: string,
  description: string,
  act: (app: AppContext, companyId: number, id: number) => Promise<Result>,
  describe: (result: Result, id: number) => string,
): Command {
  return new Command(name)
    .description(description)
    .argument('<cancellation-id>', 'cancellation id (cancellations list)', parseId)
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { company: number; json?: boolean }) => {
      const result = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        const result = await act(app, flags.company, id);
        await auditCli(app, {
          action: `cancellation.${name}`,
          companyId: flags.company,
          detail: { cancellationId: id },
        });
        return result;
      });
      printResult(flags.json ?? false, result, () => describe(result, id));
    });
}

export function requeueCancellationCommand(): Command {
  return rejectedCancellationCommand(
    'requeue',
    'send a cancellation Amazon rejected again, with the next cancellation upload',
    async (app, companyId, id) => {
      const cancellation = await requeueCancellation(
        app.db,
        fulfillmentShipmentGuard,
        companyId,
        id,
        clockOf(app)(),
      );
      return { cancellation, queued: await queueCancellationUpload(app, companyId) };
    },
    (result, id) =>
      `cancellation ${id} of order ${result.cancellation.amazonOrderId} re-queued: its units stay held\n` +
      describeQueued(result.queued),
  );
}

export function releaseCancellationCommand(): Command {
  return rejectedCancellationCommand(
    'release',
    'give up a cancellation Amazon rejected: its units can be shipped again',
    (app, companyId, id) => releaseCancellation(app.db, companyId, id, clockOf(app)()),
    (result, id) =>
      [
        `cancellation ${id} of order ${result.cancellation.amazonOrderId} released: its units can be shipped again`,
        result.buyerRequestReopened
          ? 'the buyer’s cancellation request is open again: accept it (orders cancel --reason BuyerCanceled) or decline it (orders decline-cancel)'
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
  );
}
