/**
 * The command's exit codes. Scripts and cron jobs branch on these, so they are part of the
 * interface: never renumber one, only add.
 */
export const ExitCode = {
  /** Everything worked. */
  ok: 0,
  /** A bug or an error nobody planned for (run with `--debug` for the stack). */
  unexpected: 1,
  /** Bad command line or bad input: unknown option, malformed name, negative budget… */
  usage: 2,
  /** Configuration or credentials: missing API key, bad config file, 401/403 from Eden. */
  config: 3,
  /** The token (or file) named does not exist. */
  notFound: 4,
  /** The write would break an environment's policy (budget above max, expiry required…). */
  policy: 5,
  /** Bulk work finished with some items failed, or a rotation stopped midway (run `resume`). */
  partial: 6,
  /** Eden AI failed or could not be reached: 5xx, timeout, rate limit, unexpected answer. */
  api: 7,
  /** Someone else holds the lock (a rotation in progress, a concurrent write): retry later. */
  conflict: 8,
  /** `health --fail-on …` found alerts at or above that severity. */
  unhealthy: 9,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One line per code, for `--help` and docs/cli.md. */
export const exitCodeHelp: readonly [number, string][] = [
  [ExitCode.ok, 'success'],
  [ExitCode.unexpected, 'unexpected error (run with --debug for details)'],
  [ExitCode.usage, 'usage error: bad arguments or invalid input'],
  [ExitCode.config, 'configuration or authentication problem'],
  [ExitCode.notFound, 'token or file not found'],
  [ExitCode.policy, 'environment policy violation'],
  [ExitCode.partial, 'partial failure: some items failed, or a rotation needs `resume`'],
  [ExitCode.api, 'Eden AI API or network error'],
  [ExitCode.conflict, 'conflict: a rotation is already in progress, or a concurrent write'],
  [ExitCode.unhealthy, 'health check found alerts at or above --fail-on'],
];
