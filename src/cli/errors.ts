import { ExitCode, type ExitCodeValue } from './exit-codes.js';

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
 * Maps any thrown value to an exit code. The SDK's error classes are loaded lazily: this runs
 * only when something failed, so `--version` never pays for them.
 */
export async function classifyError(error: unknown): Promise<ClassifiedError> {
  const message = oneLine(error instanceof Error ? error.message : String(error));
  if (error instanceof CliError) return { exitCode: error.exitCode, code: error.code, message };
  const e = await import('../core/errors.js');
  const is = (cls: abstract new (...args: never[]) => unknown) => error instanceof cls;
  const pick = (exitCode: ExitCodeValue, code: string): ClassifiedError => ({ exitCode, code, message });
  if (is(e.InvalidInputError)) return pick(ExitCode.usage, 'invalid_input');
  if (is(e.ConfigurationError)) return pick(ExitCode.config, 'configuration');
  if (is(e.AuthenticationError) || is(e.PermissionDeniedError)) return pick(ExitCode.config, 'auth');
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
