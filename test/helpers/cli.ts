import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `sellersync` command (the compiled build) in a child process, `input` on its stdin. */
export function runCliProcess(
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/sellersync.js', ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

/** The error a `--json` command wrote: the last line of stderr, after any log lines (a CLOCK_START warning). */
export function jsonError(result: CliResult): Record<string, unknown> {
  return JSON.parse(result.stderr.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
}

/** What the command itself wrote on stderr: without the CLOCK_START warning of a child on a pinned clock. */
export function commandStderr(result: Pick<CliResult, 'stderr'>): string {
  return result.stderr
    .split('\n')
    .filter((line) => !/^\{.*"msg":"CLOCK_START is set/.test(line))
    .join('\n');
}
