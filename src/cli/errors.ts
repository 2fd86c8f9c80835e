// How the command fails: its exit codes, the errors it raises itself, and the mapping of every
// other error to a code and one line of text.

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
  /** `health --fail-on …` found alerts at or above that severity, or `reconcile` finished with alerts. */
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
  [
    ExitCode.unhealthy,
    'warnings: health found alerts at or above --fail-on, reconcile finished with alerts, or doctor found an optional API refused',
  ],
];

/** An error the CLI itself raises, carrying the exit code it ends with. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Short machine-readable kind, used by `--json` error output. */
  readonly code: string;
  constructor(message: string, exitCode: ExitCodeValue, code: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.code = code;
  }
}

/** Bad command line: unknown option, missing argument, malformed value. Exit 2. */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.usage, 'usage');
}

export interface ClassifiedError {
  exitCode: ExitCodeValue;
  code: string;
  message: string;
}

const ISO_INSTANT = /\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}(?:\.\d+)?Z\b/g;
const LIBRARY_CALL = /\b(call |run )?(resume|finalize)\((\{ force: true \})?\)/g;

/**
 * The library's text speaks to programs (`call resume()`, ISO instants); the CLI's speaks to
 * people at a shell: `run \`edenai-tokens resume\``, `2024-03-20 09:00 UTC`.
 */
export function cliWording(text: string): string {
  return text
    .replace(LIBRARY_CALL, (_, verb: string | undefined, command: string, force: string | undefined) => {
      const cli = `edenai-tokens ${command}${force ? ' --force' : ''}`;
      return verb ? `run \`${cli}\`` : `\`${cli}\``;
    })
    .replace(ISO_INSTANT, '$1 $2 UTC');
}

/** Joins a multi-line message (zod's pretty errors) into the one line the CLI prints. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ')
    .replace(/:;/g, ':');
}

/**
 * Maps any thrown value to an exit code. The SDK is loaded lazily: this runs only when something
 * failed, so `--version` never pays for it.
 */
export async function classifyError(error: unknown): Promise<ClassifiedError> {
  const message = cliWording(oneLine(error instanceof Error ? error.message : String(error)));
  if (error instanceof CliError) return { exitCode: error.exitCode, code: error.code, message };
  const e = await import('../index-node.js');
  const is = (cls: abstract new (...args: never[]) => unknown) => error instanceof cls;
  // The SDK's own error codes (docs/api-conventions.md): one vocabulary for library and CLI users.
  const sdkCode = is(e.EdenAIError) ? (error as InstanceType<typeof e.EdenAIError>).code : undefined;
  const pick = (exitCode: ExitCodeValue, code: string): ClassifiedError => ({
    exitCode,
    code: sdkCode ?? code,
    message,
  });
  if (is(e.InvalidInputError)) return pick(ExitCode.usage, 'invalid_input');
  if (is(e.ConfigurationError)) return pick(ExitCode.config, 'configuration');
  if (is(e.AuthenticationError) || is(e.PermissionDeniedError)) return pick(ExitCode.config, 'auth');
  // An HTML 404 means the base URL is wrong, not that a token is missing.
  if (sdkCode === 'endpoint_not_found') return pick(ExitCode.config, 'endpoint_not_found');
  if (is(e.NotFoundError)) return pick(ExitCode.notFound, 'not_found');
  if (is(e.PolicyViolationError)) return pick(ExitCode.policy, 'policy_violation');
  if (is(e.RotationInProgressError)) return pick(ExitCode.conflict, 'rotation_in_progress');
  if (is(e.VersionConflictError) || is(e.ConflictError)) return pick(ExitCode.conflict, 'conflict');
  if (is(e.RotationError)) return pick(ExitCode.partial, 'rotation_failed');
  // Eden refused the input itself (a duplicate name…): the request needs fixing, not retrying.
  if (is(e.BadRequestError) || is(e.UnprocessableEntityError)) return pick(ExitCode.usage, 'rejected');
  if (is(e.APIError)) return pick(ExitCode.api, 'api');
  if (is(e.EdenAIError)) return pick(ExitCode.unexpected, 'error');
  return pick(ExitCode.unexpected, 'unexpected');
}
