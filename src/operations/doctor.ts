// What the configured keys can do at Eden AI, checked read-only before anything relies on them:
// v2 token management (which Eden may now refuse to API keys), the v3 management key and its
// scopes, cost reports and credits — and, for each refusal, what to change.
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
} from '../core/errors.js';
import { formatDate, formatUsd } from '../core/format.js';
import { type Clock, type RequestOptions, systemClock } from '../core/types.js';
import type { CostClient } from '../v2/cost-client.js';
import type { CustomTokenClient } from '../v2/custom-token-client.js';
import type { ManagementKeyClient } from '../v3/client.js';
import { MANAGEMENT_KEY_ENV } from '../v3/core.js';

/**
 * What a check tried: v2 token management, v2 cost and credits, the v3 key's scopes, key listing, usage.
 * @example const scopes = diagnosis.checks.find((c) => c.api === ('v3-scopes' satisfies DiagnosisApi));
 */
export type DiagnosisApi = 'v2-tokens' | 'v2-cost' | 'v2-credits' | 'v3-scopes' | 'v3-keys' | 'v3-usage';
/**
 * `refused`: Eden answered 401/403, or the key lacks a scope; `unavailable`: the endpoint is not
 * there (404), or answers without what the registry needs; `skipped`: no key to try it with, or an
 * earlier check made it pointless; `error`: the network, a 5xx, an unexpected answer.
 * @example const failing = diagnosis.checks.filter((c) => c.status !== ('ok' satisfies DiagnosisStatus));
 */
export type DiagnosisStatus = 'ok' | 'refused' | 'unavailable' | 'skipped' | 'error';

/**
 * One check's outcome. Never holds a key or a token value.
 *
 * @example
 * const check: DiagnosisCheck = { api: 'v2-cost', role: 'optional', status: 'refused', detail: '403 …', fix: '…' };
 */
export interface DiagnosisCheck {
  api: DiagnosisApi;
  /**
   * What the registry on the configured API needs it for: `required` (token management),
   * `optional` (usage reports, forecasts, credit alerts), `unused` (the other API, shown to help choose).
   */
  role: 'required' | 'optional' | 'unused';
  status: DiagnosisStatus;
  detail: string;
  /** What to change (which key, scope, setting), when the check did not pass. */
  fix?: string;
  /** `v3-scopes`: the scopes the registry needs that the management key lacks. */
  missingScopes?: string[];
}

/**
 * What `diagnose` found.
 *
 * @example
 * const d: Diagnosis = await diagnose({ api: 'v2', tokens: new CustomTokenClient() });
 * if (d.status === 'unusable') console.error(d.checks.filter((c) => c.fix).map((c) => c.fix).join('\n'));
 */
export interface Diagnosis {
  /** The API the registry is configured for. */
  api: 'v2' | 'v3';
  /**
   * `ok`: everything the registry uses on `api` works; `warnings`: token management works but an
   * optional check (cost, credits, v3 usage) failed; `unusable`: token management on `api` does not work.
   */
  status: 'ok' | 'warnings' | 'unusable';
  /** The API the registry should use: `api` when it works, else the other one when that works, else `null`. */
  recommendedApi: 'v2' | 'v3' | null;
  checks: DiagnosisCheck[];
}

/**
 * Options of `diagnose(options)`: the clients the registry is (or would be) built on. A check
 * whose client is missing is `skipped`.
 *
 * @example
 * const options: DiagnoseOptions = { api: 'v3', management: new ManagementKeyClient(), signal: AbortSignal.timeout(30_000) };
 */
export interface DiagnoseOptions {
  /** The API the registry is configured for. Default `v2`. */
  api?: 'v2' | 'v3';
  /** v2 token management (its API key). */
  tokens?: Pick<CustomTokenClient, 'list'>;
  /** v2 cost reports and credits. */
  costs?: Pick<CostClient, 'usage' | 'credits'>;
  /** The v3 Management API (a management key). */
  management?: Pick<ManagementKeyClient, 'whoami' | 'list' | 'usage'>;
  /** Today's date for the cost queries. Default: the system clock. */
  clock?: Clock;
  signal?: AbortSignal;
}

/** What the registry does with a management key, in Eden's scope names. */
const NEEDED_SCOPES: Record<string, string> = {
  'manage:read': 'list and read keys',
  'manage:write': 'create, update, rotate and revoke keys',
};
const SCOPES = Object.keys(NEEDED_SCOPES).join(' and ');
const API_KEY_ENV = 'EDENAI_API_KEY';
const SWITCH =
  'switch the registry to v3 (CLI: `--api v3` or config `api.version: "v3"`; code: `new ManagementKeyBackend(new ManagementKeyClient())`). See docs/moving-to-v3.md';
/** What the management key must be; follows "Set " or "set ". */
const MANAGEMENT_KEY = `${MANAGEMENT_KEY_ENV} to a management key (mgmt-eden-…) with ${SCOPES} (Eden AI dashboard: Account → Management Keys)`;
const SET_MANAGEMENT_KEY = `Set ${MANAGEMENT_KEY}`;
const OPTIONAL: readonly DiagnosisApi[] = ['v2-cost', 'v2-credits', 'v3-usage'];

/** A check's outcome before its role is known. */
type Outcome = Omit<DiagnosisCheck, 'api' | 'role'>;
/** A call's answer or error; `undefined` when it was not tried. */
type Result<T> = { value: T } | { error: unknown } | undefined;

const many = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const failed = <T>(r: Result<T>): r is { error: unknown } => r !== undefined && 'error' in r;
const unreachable = (r: Result<unknown>) => failed(r) && r.error instanceof APIConnectionError;

function statusOf(error: unknown): DiagnosisStatus {
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return 'refused';
  if (error instanceof NotFoundError) return 'unavailable';
  if (error instanceof APIError && [405, 410, 501].includes(error.status ?? 0)) return 'unavailable';
  return 'error';
}

/** What to do about a failure that is not a refusal. */
function errorFix(error: unknown): string {
  if (error instanceof APIConnectionError)
    return "Check the network and the base URL (config `api.baseUrl` / `api.managementBaseUrl`, or the client's `baseUrl`), then run the check again";
  if (statusOf(error) === 'unavailable')
    return "Check the base URL: Eden AI's includes the API version (https://api.edenai.run/v2 or /v3)";
  if (error instanceof APIError && (error.status === 429 || (error.status ?? 0) >= 500))
    return 'Eden AI failed or was busy: run the check again in a minute';
  return 'Eden AI gave an unexpected answer: check that the base URL points at Eden AI';
}

/**
 * A call's outcome: `answer` judges a value; a 401/403 gets `refusedFix`; any other failure its
 * status, Eden's words (SDK errors never hold a key) and a generic fix; not tried, `skip`.
 */
function verdict<T>(
  result: Result<T>,
  answer: (value: T) => Outcome,
  refusedFix: string,
  skip: Outcome,
): Outcome {
  if (result === undefined) return skip;
  if ('value' in result) return answer(result.value);
  const status = statusOf(result.error);
  const detail = result.error instanceof Error ? result.error.message : String(result.error);
  return { status, detail, fix: status === 'refused' ? refusedFix : errorFix(result.error) };
}

const skip = (why: string, fix?: string): Outcome => ({
  status: 'skipped',
  detail: `not checked: ${why}`,
  ...(fix ? { fix } : {}),
});

async function attempt<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<Result<T>> {
  try {
    return { value: await work() };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { error };
  }
}

/**
 * Checks what the given clients' keys can do at Eden AI, read-only (it lists, reads today's
 * costs and the credits, asks whoami; it never creates or changes anything), and says what to
 * change for each check that failed and which API the registry should use. Refusals are results,
 * not exceptions; only an aborted `signal` throws.
 *
 * @example
 * const d = await diagnose({ api: 'v2', tokens: new CustomTokenClient(), costs: new CostClient() });
 * for (const c of d.checks) console.log(c.status === 'ok' ? '✓' : '✗', c.api, c.detail, c.fix ?? '');
 * if (d.recommendedApi === 'v3') console.log('Move the registry to v3: see docs/moving-to-v3.md');
 */
export async function diagnose(options: DiagnoseOptions = {}): Promise<Diagnosis> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('diagnose needs an options object');
  const api = options.api ?? 'v2';
  if (api !== 'v2' && api !== 'v3')
    throw new InvalidInputError(`api must be "v2" or "v3", got ${String(api)}`, { field: 'api' });
  const { tokens, costs, management, signal } = options;
  const request: RequestOptions = signal ? { signal } : {};
  const today = formatDate((options.clock ?? systemClock)());
  const day = { begin: today, end: today };
  const run = <T>(work: () => Promise<T>) => attempt(work, signal);

  // One call each, in turn. An unreachable host is not tried again, and v3's keys and usage
  // are not tried once whoami was refused.
  const listed = tokens ? await run(() => tokens.list(request)) : undefined;
  const v2Up = costs && !unreachable(listed);
  const cost = v2Up ? await run(() => costs.usage(day, request)) : undefined;
  const credits = v2Up ? await run(() => costs.credits(request)) : undefined;
  const me = management ? await run(() => management.whoami(request)) : undefined;
  const v3Up = management && !(failed(me) && (unreachable(me) || statusOf(me.error) === 'refused'));
  const firstPage = async () => {
    for await (const page of management!.list({}, request).pages()) return page;
    return [];
  };
  const keys = v3Up ? await run(firstPage) : undefined;
  const usage = v3Up ? await run(() => management.usage(day, request)) : undefined;

  // v3 first: whether it works decides what the v2 fixes say.
  const missing =
    me && 'value' in me ? Object.keys(NEEDED_SCOPES).filter((s) => !me.value.scopes.includes(s)) : [];
  const v3Works =
    me !== undefined && 'value' in me && missing.length === 0 && keys !== undefined && 'value' in keys;
  const noManagementKey = skip(`no management key (${MANAGEMENT_KEY_ENV})`, SET_MANAGEMENT_KEY);
  const v3Skip = management
    ? skip(unreachable(me) ? 'the host could not be reached' : 'the management key was refused')
    : noManagementKey;
  const scopes = verdict(
    me,
    ({ scopes, organization, expireTime }) => {
      const has = scopes.length > 0 ? scopes.join(', ') : 'no scope';
      const key = `management key${organization?.name ? ` of ${organization.name}` : ''}`;
      if (missing.length === 0)
        return {
          status: 'ok',
          detail: `${key}: ${has}${expireTime ? `, expires ${formatDate(expireTime)}` : ''}`,
        };
      const needs = missing.map((s) => `${s} (to ${NEEDED_SCOPES[s]})`).join(' and ');
      return {
        status: 'refused',
        detail: `${key} has ${has}; the registry also needs ${needs}`,
        fix: `Use a management key with ${SCOPES}: mint one that has ${missing.join(' and ')} too (Account → Management Keys, or POST /v3/manage/auth-keys/ with an issuer key) and set ${MANAGEMENT_KEY_ENV} to it`,
        missingScopes: missing,
      };
    },
    `${SET_MANAGEMENT_KEY}: an inference key (sk-eden-…), the v2 API key, or a revoked or expired management key is refused here`,
    noManagementKey,
  );
  const keyList = verdict(
    keys,
    (page) => {
      const legacy = page.filter((k) => k.id === null).length;
      const note =
        legacy === 0
          ? ''
          : `; ${many(legacy, 'legacy key')} without id: listed as unmanaged, regenerate to manage (docs/moving-to-v3.md)`;
      return { status: 'ok', detail: `lists keys (${many(page.length, 'key')} on the first page)${note}` };
    },
    `The registry lists keys with manage:read. ${SET_MANAGEMENT_KEY}`,
    v3Skip,
  );
  const v3Usage = verdict(
    usage,
    (records) => ({ status: 'ok', detail: `usage reports answer (${many(records.length, 'record')} today)` }),
    `Usage reports and forecasts read /v3/manage/usage/ with manage:read. ${SET_MANAGEMENT_KEY}`,
    v3Skip,
  );

  // v2. A 401 on cost reports too means the key itself is bad, not that token management is refused.
  const keyRejected =
    failed(cost) && cost.error instanceof AuthenticationError && !(listed !== undefined && 'value' in listed);
  const fixKey = `Set ${API_KEY_ENV} to a valid Eden AI API key: this one is revoked, expired or mistyped`;
  const moveToV3 = v3Works
    ? `This management key can manage keys on v3: ${SWITCH}`
    : `Use the v3 Management API: ${management ? 'fix the management key (see the v3 checks)' : `set ${MANAGEMENT_KEY}`}, then ${SWITCH}`;
  const noApiKey = skip(
    `no API key (${API_KEY_ENV})`,
    `Set ${API_KEY_ENV} to your Eden AI API key. Or: ${moveToV3}`,
  );
  const v2Skip = unreachable(listed) ? skip('the host could not be reached') : noApiKey;
  let tokenCheck = verdict(
    listed,
    (list) => {
      // Eden's newer v2 shows masked forms only: a token made there could never reach the secret store.
      const hidden = list.length > 0 && list.every((t) => t.secret === undefined);
      return hidden
        ? {
            status: 'unavailable',
            detail: `Eden lists ${many(list.length, 'token')} but none of their values (masked forms only): on v2 the registry cannot store a new token's value`,
            fix: moveToV3,
          }
        : { status: 'ok', detail: `this API key may manage tokens (${many(list.length, 'token')} listed)` };
    },
    keyRejected ? fixKey : moveToV3,
    noApiKey,
  );
  if (tokenCheck.status === 'refused')
    tokenCheck = {
      ...tokenCheck,
      detail: keyRejected
        ? `Eden rejects this API key, on cost reports too: ${tokenCheck.detail}`
        : `Eden refused token management to this API key (${tokenCheck.detail}): it may now keep it to dashboard sessions and the v3 Management API`,
    };
  const costCheck = verdict(
    cost,
    (records) => ({ status: 'ok', detail: `cost reports answer (${many(records.length, 'record')} today)` }),
    keyRejected
      ? fixKey
      : "Usage reports, forecasts and budget alerts need it: use an API key of the account owner, or of a member allowed to read the organization's costs",
    v2Skip,
  );
  const creditCheck = verdict(
    credits,
    (usd) => ({ status: 'ok', detail: `credits answer (${formatUsd(usd)} left)` }),
    keyRejected
      ? fixKey
      : "Credit alerts need it (optional): use the account owner's API key; Eden may refuse the credits to other keys",
    v2Skip,
  );

  // In the order they are reported.
  const outcomes: Record<DiagnosisApi, Outcome> = {
    'v2-tokens': tokenCheck,
    'v2-cost': costCheck,
    'v2-credits': creditCheck,
    'v3-scopes': scopes,
    'v3-keys': keyList,
    'v3-usage': v3Usage,
  };
  const checks = (Object.entries(outcomes) as [DiagnosisApi, Outcome][]).map(([name, o]): DiagnosisCheck => {
    const { fix, ...outcome } = o;
    const role = !name.startsWith(api) ? 'unused' : OPTIONAL.includes(name) ? 'optional' : 'required';
    // A registry on v3 needs nothing of v2; one on v2 may be moving to v3, so v3's fixes stay.
    const keep =
      fix &&
      outcome.status !== 'ok' &&
      !(role === 'unused' && api === 'v3') &&
      (outcome.status !== 'skipped' || role === 'required');
    return { api: name, role, ...outcome, ...(keep ? { fix } : {}) };
  });
  const works = { v2: tokenCheck.status === 'ok', v3: v3Works };
  const other = api === 'v2' ? 'v3' : 'v2';
  const warn = checks.some(
    (c) => c.role === 'optional' && ['refused', 'unavailable', 'error'].includes(c.status),
  );
  return {
    api,
    status: !works[api] ? 'unusable' : warn ? 'warnings' : 'ok',
    recommendedApi: works[api] ? api : works[other] ? other : null,
    checks,
  };
}
