import { Command, InvalidArgumentError, Option } from 'commander';
import { JOB_HANDLERS } from '../../wiring.js';
import { listRuns } from '../../jobs/job-runs.repository.js';
import { isJobKind, JOB_KINDS, type JobKind } from '../../jobs/kinds.js';
import { runJob } from '../../jobs/run-job.js';
import { listSchedules } from '../../jobs/schedules.js';
import { escapeUnsafe } from '../../shared/text.js';
import { printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { withApp, withQueues } from '../session.js';

function parseKind(value: string): JobKind {
  if (!isJobKind(value)) throw new InvalidArgumentError(`expected one of ${JOB_KINDS.join(', ')}.`);
  return value;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run one job now, in this process, and record it in the run history')
    .argument('<job-kind>', JOB_KINDS.join(' | '), parseKind)
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (kind: JobKind, flags: { company: number; json?: boolean }) => {
      const outcome = await withApp(
        (app) =>
          withQueues(app, (queues) =>
            runJob(app, queues, JOB_HANDLERS, { kind, companyId: flags.company, trigger: 'manual' }),
          ),
        { redis: true, company: flags.company },
      );
      const summary = {
        status: outcome.status,
        runId: outcome.run?.id ?? null,
        counts: outcome.run?.counts ?? {},
        reason:
          outcome.status === 'failed' ? outcome.error.message : 'reason' in outcome ? outcome.reason : null,
      };
      printResult(flags.json ?? false, summary, () =>
        [
          `${kind} for company ${flags.company}: ${summary.status}`,
          escapeUnsafe(summary.reason ?? ''),
          JSON.stringify(summary.counts),
        ]
          .filter(Boolean)
          .join('\n'),
      );
      if (outcome.status === 'failed') process.exitCode = 1;
    });
}

export function runsCommand(): Command {
  return new Command('runs')
    .description('show the run history, newest first')
    .option('--company <id>', 'only this company', parseId)
    .addOption(new Option('--kind <job-kind>', 'only this job kind').choices(JOB_KINDS))
    .option('--limit <n>', 'how many runs', parseId, 20)
    .option('--json', 'print JSON')
    .action(async (flags: { company?: number; kind?: JobKind; limit: number; json?: boolean }) => {
      const runs = await withApp(
        (app) => listRuns(app.db, { companyId: flags.company, kind: flags.kind, limit: flags.limit }),
        { company: flags.company },
      );
      printResult(flags.json ?? false, runs, () =>
        table(
          runs.map((run) => ({ ...run, counts: JSON.stringify(run.counts) })),
          ['id', 'companyId', 'kind', 'trigger', 'status', 'startedAt', 'finishedAt', 'counts', 'error'],
        ),
      );
    });
}

export function schedulesCommand(): Command {
  return new Command('schedules')
    .description('list the job schedules held in Redis')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const schedules = await withApp((app) => withQueues(app, listSchedules), { redis: true });
      printResult(flags.json ?? false, schedules, () =>
        table(schedules as unknown as Record<string, unknown>[], [
          'kind',
          'companyId',
          'everyMinutes',
          'next',
        ]),
      );
    });
}
