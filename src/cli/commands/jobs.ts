import { Command, InvalidArgumentError, Option } from 'commander';
import { JOB_HANDLERS } from '../../wiring.js';
import { listRuns } from '../../jobs/job-runs.repository.js';
import { isJobKind, JOB_KINDS, type JobKind } from '../../jobs/kinds.js';
import { runJob, summarizeOutcome } from '../../jobs/run-job.js';
import { listSchedules } from '../../jobs/schedules.js';
import { escapeUnsafe } from '../../shared/text.js';
import { printNotes, printResult, table } from '../output.js';
import { StoppedError } from '../../shared/abort.js';
import { parseId } from '../parse.js';
import { withApp, withQueues } from '../session.js';
import { auditCli } from '../audit.js';

/** 128 + SIGINT, as a shell reports a command ended by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

/**
 * The first Ctrl-C (or SIGTERM) stops the run at its next safe point, at once: every wait for Amazon
 * ends, and the run is recorded as stopped. A second one exits without waiting.
 */
function interruptOnSignal(json: boolean): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    printNotes(json, [`${signal}: stopping the run at its next safe point (again to exit at once)`]);
    controller.abort(new StoppedError(`interrupted (${signal})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Progress of a long run, on stderr: one line each, or one JSON object with --json. */
function printProgress(json: boolean, message: string, counts: object): void {
  process.stderr.write(
    json ? `${JSON.stringify({ progress: message, counts })}\n` : `progress: ${escapeUnsafe(message)}\n`,
  );
}

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
      const json = flags.json ?? false;
      const interrupt = interruptOnSignal(json);
      const outcome = await withApp(
        async (app) => {
          await auditCli(app, { action: 'run', companyId: flags.company, detail: { kind, queued: false } });
          return withQueues(app, (queues) =>
            runJob(app, queues, JOB_HANDLERS, {
              kind,
              companyId: flags.company,
              trigger: 'manual',
              signal: interrupt.signal,
              // Interrupted by hand: closed as stopped, not handed to the daemon to go on.
              requeueWhenStopped: false,
              onProgress: (message, counts) => printProgress(json, message, counts),
            }),
          );
        },
        { redis: true, company: flags.company },
      ).finally(interrupt.release);
      const summary = summarizeOutcome(outcome);
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
      if (outcome.status === 'stopped' && interrupt.signal.aborted) process.exitCode = EXIT_INTERRUPTED;
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
