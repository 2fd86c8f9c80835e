import { ConfigurationError, InvalidInputError, NotFoundError } from '../core/errors.js';
import { assertDays, assertMoney } from '../core/limits.js';
import { type Clock, checkedLogger, type Logger, type RequestOptions, systemClock } from '../core/types.js';
import type { AuditAction, AuditContext } from '../ports/audit.js';
import type { EdenToken, TokenBackend } from '../ports/backend.js';
import type { Metadata, SecretStore, StoredSecret } from '../ports/stores.js';
import { type AuditSubject, audited, type RegistryAudit } from './audit.js';
import { budgetNeedsEntry, recordBudget, recordedBudget, resolveBudget } from './budget.js';
import { assertName, assertObject } from './input.js';
import {
  assertStoreCanHold,
  budgetPatch,
  createBody,
  extendPatch,
  storeNewValue,
  type TokenWrite,
  topUpPatch,
} from './mutations.js';
import {
  byName,
  currentMember,
  type Grouped,
  groupTokens,
  managedName,
  parseTokenName,
  type TokenGroup,
  toManagedToken,
} from './naming.js';
import {
  assertConcurrency,
  checkActions,
  computePlan,
  normalizeDesired,
  planActions,
  runActions,
} from './plan.js';
import { parseEnvironments, resolveSettings } from './policy.js';
import { desiredTags } from './tags.js';
import type {
  ApplyOptions,
  ApplyResult,
  CreateManagedTokenInput,
  DesiredState,
  EnvironmentPolicy,
  ListTokensOptions,
  ManagedToken,
  ParsedName,
  Plan,
  PlanAction,
  PlanOptions,
  RegistryView,
  TokenRegistryOptions,
  TokensByEnvironment,
} from './types.js';

const CREATE_FIELDS = ['environment', 'app', 'budget', 'expiresInDays', 'resetPeriod', 'tags'] as const;
const REQUEST_FIELDS = ['signal', 'timeoutMs', 'maxRetries'] as const;
/** SecretStore reads in flight at once while listing (remote stores answer one key per request). */
const ENTRY_READS = 16;

/** A managed view, and whether its SecretStore entry exists (so a budget can be recorded there). */
interface Resolved {
  token: ManagedToken;
  /** `undefined` when the entry was not read (a refilling budget needs no read). */
  hasEntry: boolean | undefined;
}

/** The request options (`signal`, `timeoutMs`, `maxRetries`) within a method's options, for the backend. */
function requestOptions(options: RequestOptions | undefined): RequestOptions | undefined {
  if (!options) return undefined;
  const { signal, timeoutMs, maxRetries } = options;
  return {
    ...(signal !== undefined && { signal }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(maxRetries !== undefined && { maxRetries }),
  };
}

/**
 * Creates, lists and changes Eden AI tokens per environment, enforcing each environment's policy
 * on every write. Values go to the SecretStore; the registry hands out `secretRef`s, never values.
 * The budget each write allocates is recorded beside the value (the entry's `budget` metadata), so
 * every process sharing the SecretStore knows it: see `ManagedToken.budget` and `budgetSource`.
 * Every method that talks to Eden takes a last `options` argument with `signal` (and `timeoutMs`,
 * `maxRetries`), passed on to each backend call it makes.
 *
 * @example
 * const registry = new TokenRegistry({
 *   backend: new CustomTokenClient(),
 *   secrets: new MemorySecretStore(),
 *   environments: {
 *     dev: { tokenType: 'sandbox_api_token' },
 *     prod: { budget: { default: 500, max: 2000, resetPeriod: 'monthly' }, expiry: { required: true, defaultDays: 90 } },
 *   },
 * });
 * const token = await registry.create({ environment: 'prod', app: 'web-app' });
 * token.secretRef; // 'edenai/prod-web-app'
 */
export class TokenRegistry implements RegistryView {
  readonly backend: TokenBackend;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  readonly environments: Readonly<Record<string, EnvironmentPolicy>>;
  readonly #envNames: readonly string[];
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #audit: RegistryAudit;

  constructor(options: TokenRegistryOptions) {
    const o = resolveOptions(options);
    this.backend = o.backend;
    this.secrets = o.secrets;
    this.clock = o.clock;
    this.environments = o.environments;
    this.#envNames = Object.keys(o.environments);
    this.#prefix = o.secretPrefix;
    this.#logger = o.logger;
    this.#audit = { sink: o.audit, actor: o.actor, clock: o.clock, logger: o.logger };
  }

  /**
   * Parses an Eden token name (any generation) against the declared environments.
   * @example registry.parseName('prod-eu-web-app--g2'); // { environment: 'prod-eu', app: 'web-app', generation: 2, logicalName: 'prod-eu-web-app' }
   */
  parseName(tokenName: string): ParsedName | undefined {
    return typeof tokenName === 'string' ? parseTokenName(tokenName, this.#envNames) : undefined;
  }

  /**
   * The SecretStore key holding a logical token's current value.
   * @example registry.secretRefFor('prod-web-app'); // 'edenai/prod-web-app'
   */
  secretRefFor(logicalName: string): string {
    return `${this.#prefix}${logicalName}`;
  }

  /**
   * The validated policy of a declared environment; unknown names throw `InvalidInputError`.
   * @example registry.policyFor('prod').budget?.max; // 2000
   */
  policyFor(environment: string): EnvironmentPolicy {
    if (typeof environment === 'string' && Object.hasOwn(this.environments, environment))
      return this.environments[environment]!;
    throw new InvalidInputError(
      `Unknown environment ${typeof environment === 'string' ? `"${environment}"` : String(environment)}: declared environments are ${this.#envNames.join(', ')}`,
      { field: 'environment' },
    );
  }

  // ── reads ────────────────────────────────────────────────────────────────

  /**
   * Every token in one `backend.list()` call: managed ones grouped by logical name (sorted), and
   * the rest as `unmanaged`. Reads the SecretStore entries of tokens with several live generations
   * and of budgeted tokens whose budget does not refill (their allocated budget is recorded there).
   * @example const { managed, unmanaged } = await registry.snapshot();
   */
  async snapshot(options?: RequestOptions): Promise<{ managed: ManagedToken[]; unmanaged: EdenToken[] }> {
    const { groups, unmanaged } = await this.#load(options);
    return { managed: await this.#resolve([...groups.values()]), unmanaged };
  }

  /**
   * Managed tokens, one per logical token, sorted by name.
   * @example const prod = await registry.list({ environment: 'prod' });
   */
  async list(options: ListTokensOptions = {}): Promise<ManagedToken[]> {
    const env = options?.environment;
    if (env !== undefined) this.policyFor(env);
    const { groups } = await this.#load(requestOptions(options));
    const picked = [...groups.values()].filter((g) => env === undefined || g.environment === env);
    return this.#resolve(picked);
  }

  /**
   * Managed tokens keyed by every declared environment (possibly `[]`), plus `unmanaged`.
   * @example const { prod, unmanaged } = await registry.byEnvironment();
   */
  async byEnvironment(options?: RequestOptions): Promise<TokensByEnvironment> {
    const { managed, unmanaged } = await this.snapshot(options);
    const out: Record<string, ManagedToken[]> = {};
    for (const env of this.#envNames) out[env] = [];
    for (const t of managed) out[t.environment]!.push(t);
    return Object.assign(out, { unmanaged });
  }

  /**
   * One logical token, by its logical name or any generation's name.
   * @example const t = await registry.get('prod-web-app--g2'); // t.name === 'prod-web-app'
   */
  async get(name: string, options?: RequestOptions): Promise<ManagedToken> {
    const { group } = await this.#find(name, options);
    return (await this.#resolve([group]))[0]!;
  }

  // ── writes ───────────────────────────────────────────────────────────────

  /**
   * Creates `{environment}-{app}` under the environment's policy, stores its value at `secretRef`,
   * and returns the managed token (never the value).
   * @example await registry.create({ environment: 'prod', app: 'web-app', budget: 500, expiresInDays: 90 });
   */
  async create(
    input: CreateManagedTokenInput,
    options?: RequestOptions & AuditContext,
  ): Promise<ManagedToken> {
    const name = `${String(input?.environment)}-${String(input?.app)}`;
    return audited(this.#audit, { action: 'token.created', name, ctx: options }, () =>
      this.#create(input, requestOptions(options)),
    );
  }

  async #create(input: CreateManagedTokenInput, options?: RequestOptions): Promise<ManagedToken> {
    assertObject(input, 'create input', CREATE_FIELDS);
    const policy = this.policyFor(input.environment);
    const name = managedName(input.environment, input.app, this.#envNames);
    const settings = resolveSettings(input.environment, policy, input);
    const tags = desiredTags(policy, input.environment, input.app, input.tags);
    const secretRef = this.secretRefFor(name);
    await assertStoreCanHold(this.secrets, secretRef);
    const body = createBody(name, settings, this.clock());
    const created = await this.backend.create(tags ? { ...body, tags } : body, options);
    const deps = { backend: this.backend, secrets: this.secrets, logger: this.#logger };
    const token = await storeNewValue(deps, created, secretRef, settings.budget, options);
    this.#logger.info(`created token ${name}`, { name, environment: input.environment });
    const group: TokenGroup = {
      logicalName: name,
      environment: input.environment,
      app: input.app,
      members: [{ generation: 1, token }],
    };
    return toManagedToken(group, group.members[0]!, secretRef, resolveBudget(token, settings.budget, policy));
  }

  /**
   * Sets the token's budget: the balance becomes `amount` and is enforced, and `amount` is recorded
   * as its allocated budget.
   * @example await registry.setBudget('prod-web-app', 750);
   */
  async setBudget(
    name: string,
    amount: number,
    options?: RequestOptions & AuditContext,
  ): Promise<ManagedToken> {
    assertMoney(amount, 'amount');
    return this.#patch(name, (t, policy) => budgetPatch(t, policy, amount), options, 'token.budget-set');
  }

  /**
   * Adds `amount` (USD) to the current balance, and to the allocated budget unless the budget
   * refills every period (then the top-up lasts until the next refill). A token without a budget is
   * an `InvalidInputError`.
   * @example await registry.topUp('prod-web-app', 100);
   */
  async topUp(name: string, amount: number, options?: RequestOptions & AuditContext): Promise<ManagedToken> {
    assertMoney(amount, 'amount', { positive: true });
    return this.#patch(name, (t, policy) => topUpPatch(t, policy, amount), options, 'token.topped-up');
  }

  /**
   * Moves the expiry `days` later (from now if it has none or has passed), within `expiry.maxDays`.
   * @example await registry.extend('prod-web-app', 30);
   */
  async extend(name: string, days: number, options?: RequestOptions & AuditContext): Promise<ManagedToken> {
    assertDays(days, 'days');
    return this.#patch(
      name,
      (t, policy) => extendPatch(t, policy, days, this.clock()),
      options,
      'token.extended',
    );
  }

  /**
   * Deletes every live generation, then the SecretStore entry. Missing → `NotFoundError`.
   * @example await registry.revoke('staging-web-app');
   */
  async revoke(name: string, options?: RequestOptions & AuditContext): Promise<void> {
    const { group } = await this.#find(name, requestOptions(options));
    await this.#revokeGroup(group, options);
  }

  // ── plan / apply ─────────────────────────────────────────────────────────

  /**
   * Compares `desired` with the live tokens and lists what `apply` would do. Writes nothing.
   * Budgets are compared only where an entry states `budget` or `resetPeriod`: a desired budget
   * other than the allocated one is an update (`budget: { from, to }`) that moves the balance by
   * the difference, keeping what was spent; see {@link PlanOptions}.
   * @example
   * const plan = await registry.plan({ prod: { 'web-app': { budget: 500 } } }, { prune: true });
   * for (const a of plan.actions) console.log(a.type, a.name);
   */
  async plan(desired: DesiredState, options: PlanOptions = {}): Promise<Plan> {
    assertObject(options, 'plan options', ['prune', 'refill', ...REQUEST_FIELDS]);
    const entries = normalizeDesired(desired, (env) => this.policyFor(env), this.#envNames);
    const named = new Set(Object.keys(desired));
    const { groups } = await this.#load(requestOptions(options));
    const present = entries.map((e) => groups.get(e.name)).filter((g): g is TokenGroup => g !== undefined);
    const resolved = await this.#resolveEntries(present);
    const existing = new Map(resolved.map((r) => [r.token.name, r.token]));
    const recordable = new Set(resolved.filter((r) => r.hasEntry !== false).map((r) => r.token.name));
    for (const t of existing.values()) {
      const want = this.environments[t.environment]!.tokenType;
      if (t.tokenType !== want)
        this.#logger.warn(`plan: ${t.name} is a ${t.tokenType}; ${t.environment} uses ${want}`, {
          name: t.name,
        });
    }
    const inNamed = [...groups.values()].filter((g) => named.has(g.environment));
    const actions = computePlan({
      entries,
      existing,
      recordable,
      inNamedEnvironments: inNamed.map(({ logicalName, environment, app }) => ({
        logicalName,
        environment,
        app,
      })),
      policies: this.environments,
      prune: options.prune === true,
      refill: options.refill === true,
      now: this.clock(),
    });
    return { actions };
  }

  /**
   * Runs a plan's actions with bounded concurrency; one failure does not stop the others. Every
   * action is checked against the policies first, so a bad plan writes nothing.
   * @example
   * const result = await registry.apply(plan, { concurrency: 4, onProgress: (p) => console.log(`${p.done}/${p.total}`) });
   * if (result.failed) console.error(result.results.filter((r) => !r.ok));
   */
  async apply(plan: Plan, options: ApplyOptions & AuditContext = {}): Promise<ApplyResult> {
    assertObject(options, 'apply options', [
      'concurrency',
      'onProgress',
      'reason',
      'actor',
      ...REQUEST_FIELDS,
    ]);
    if (options.concurrency !== undefined) assertConcurrency(options.concurrency);
    const actions = planActions(plan);
    const writes = checkActions(actions, (env) => this.policyFor(env), this.#envNames, this.clock());
    const request = requestOptions(options);
    const { reason, actor } = options as AuditContext;
    const withAudit: RequestOptions & AuditContext = {
      ...request,
      ...(reason !== undefined && { reason }),
      ...(actor !== undefined && { actor }),
    };
    // One list for every update and delete; creates need none.
    const needsState = actions.some((a) => a.type !== 'create');
    const grouped = needsState ? await this.#load(request) : undefined;
    const run = async (a: PlanAction): Promise<ManagedToken | undefined> => {
      if (a.type === 'create') {
        const { environment, app, budget, expiresInDays, resetPeriod } = a;
        return this.create({ environment, app, budget, expiresInDays, resetPeriod }, withAudit);
      }
      const group = grouped!.groups.get(a.name);
      if (!group) throw new NotFoundError(`Token "${a.name}" not found`);
      if (a.type === 'delete') {
        await this.#revokeGroup(group, withAudit);
        return undefined;
      }
      const [token] = await this.#resolve([group]);
      return this.#write(group, token!, writes.get(a)!, withAudit, 'plan.applied');
    };
    return runActions(actions, run, options, this.#logger);
  }

  // ── internals ────────────────────────────────────────────────────────────

  async #load(options?: RequestOptions): Promise<Grouped> {
    return groupTokens(await this.backend.list(options), this.#envNames);
  }

  /** Managed views of `groups`, sorted. */
  async #resolve(groups: TokenGroup[]): Promise<ManagedToken[]> {
    return (await this.#resolveEntries(groups)).map((r) => r.token);
  }

  /**
   * Managed views of `groups`, sorted. Reads the SecretStore entry (a few at a time) of each token
   * with several live generations (it names the current one) or whose budget is recorded there.
   */
  async #resolveEntries(groups: TokenGroup[]): Promise<Resolved[]> {
    const needed = groups.filter(
      (g) => g.members.length > 1 || budgetNeedsEntry(g.members[g.members.length - 1]!.token),
    );
    const entries = new Map<TokenGroup, StoredSecret | undefined>();
    // A few workers, each reading one entry after the other: no promise per token that needs none.
    let next = 0;
    const worker = async () => {
      while (next < needed.length) {
        const g = needed[next++]!;
        entries.set(g, await this.secrets.get(this.secretRefFor(g.logicalName)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(ENTRY_READS, needed.length) }, worker));
    return groups
      .map((g): Resolved => {
        const read = entries.has(g);
        const entry = entries.get(g);
        return {
          token: this.#view(g, currentMember(g, entry?.metadata?.['tokenName']), entry?.metadata),
          hasEntry: read ? entry !== undefined : undefined,
        };
      })
      .sort((a, b) => byName(a.token, b.token));
  }

  /** The public view of `current`, its budget read from the entry's metadata (or a fallback). */
  #view(group: TokenGroup, current: TokenGroup['members'][number], metadata: Metadata | undefined) {
    const budget = resolveBudget(
      current.token,
      recordedBudget(metadata),
      this.environments[group.environment],
    );
    return toManagedToken(group, current, this.secretRefFor(group.logicalName), budget);
  }

  /** A logical token's group; `NotFoundError` when absent, `InvalidInputError` when no managed name. */
  async #find(name: string, options?: RequestOptions): Promise<{ group: TokenGroup }> {
    assertName(name);
    const parsed = this.parseName(name);
    if (!parsed) {
      throw new InvalidInputError(
        `"${name}" is not a managed token name: expected {environment}-{app} with one of ${this.#envNames.join(', ')}`,
        { field: 'name' },
      );
    }
    const { groups } = await this.#load(options);
    const group = groups.get(parsed.logicalName);
    if (!group) throw new NotFoundError(`Token "${parsed.logicalName}" not found`);
    return { group };
  }

  async #patch(
    name: string,
    build: (token: ManagedToken, policy: EnvironmentPolicy) => TokenWrite,
    options: (RequestOptions & AuditContext) | undefined,
    action: AuditAction,
  ): Promise<ManagedToken> {
    const { group } = await this.#find(name, requestOptions(options));
    const [token] = await this.#resolve([group]);
    // The policy check (in `build`) is audited too: a refused change is a recorded failure.
    return audited(this.#audit, { action, name: token!.name, before: token, ctx: options }, () =>
      this.#update(
        group,
        token!,
        build(token!, this.environments[group.environment]!),
        requestOptions(options),
      ),
    );
  }

  /** `#update`, audited as `action` (apply's updates). */
  #write(
    group: TokenGroup,
    token: ManagedToken,
    write: TokenWrite,
    options: (RequestOptions & AuditContext) | undefined,
    action: AuditAction,
  ): Promise<ManagedToken> {
    return audited(this.#audit, { action, name: token.name, before: token, ctx: options }, () =>
      this.#update(group, token, write, requestOptions(options)),
    );
  }

  /**
   * Patches the current generation, then records the allocated budget the write sets (Eden first:
   * it enforces the balance), and returns the updated view.
   */
  async #update(
    group: TokenGroup,
    token: ManagedToken,
    write: TokenWrite,
    options: RequestOptions | undefined,
  ): Promise<ManagedToken> {
    const { patch, budget } = write;
    const member = group.members.find((m) => m.token.name === token.tokenName)!;
    let updated = member.token;
    if (Object.keys(patch).length > 0) {
      updated = await this.backend.update(token.tokenName, patch, options);
      this.#logger.info(`updated token ${token.tokenName}`, { name: token.name, fields: Object.keys(patch) });
    }
    let recorded = token.budgetSource === 'recorded' ? token.budget! : undefined;
    if (budget !== undefined) {
      try {
        const landed = await recordBudget(this.secrets, token.secretRef, budget, this.#logger);
        if (landed) recorded = budget ?? undefined;
      } catch (error) {
        if (error instanceof Error && Object.keys(patch).length > 0)
          error.message += ` (${token.tokenName} was updated; its budget was not recorded at ${token.secretRef})`;
        throw error;
      }
    }
    const view = resolveBudget(updated, recorded, this.environments[group.environment]);
    return toManagedToken(group, { generation: token.generation, token: updated }, token.secretRef, view);
  }

  /** `#deleteGroup`, audited as `token.revoked`. */
  async #revokeGroup(group: TokenGroup, options: (RequestOptions & AuditContext) | undefined): Promise<void> {
    const current = group.members[group.members.length - 1]!;
    const subject: AuditSubject = {
      tokenName: current.token.name,
      generation: current.generation,
      environment: group.environment,
      generations: group.members.map((m) => m.token.name),
    };
    await audited(
      this.#audit,
      { action: 'token.revoked', name: group.logicalName, before: subject, ctx: options },
      () => this.#deleteGroup(group, requestOptions(options)),
    );
  }

  async #deleteGroup(group: TokenGroup, options: RequestOptions | undefined): Promise<undefined> {
    const settled = await Promise.allSettled(
      group.members.map((m) => this.backend.delete(m.token.name, options)),
    );
    // Already gone counts as done (a concurrent revoke, or a retried delete).
    const failure = settled.find(
      (s): s is PromiseRejectedResult => s.status === 'rejected' && !(s.reason instanceof NotFoundError),
    );
    // Keep the value while any generation still lives: someone may still be using it.
    if (failure) throw failure.reason;
    await this.secrets.delete(this.secretRefFor(group.logicalName));
    this.#logger.info(`revoked token ${group.logicalName}`, {
      name: group.logicalName,
      generations: group.members.length,
    });
    return undefined;
  }
}

/** Checks the collaborators and policies once, at construction (`ConfigurationError`). */
function resolveOptions(options: TokenRegistryOptions) {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('TokenRegistry needs { backend, secrets, environments }');
  const { backend, secrets, secretPrefix = 'edenai/' } = options;
  for (const m of ['create', 'list', 'get', 'update', 'delete'] as const) {
    if (typeof backend?.[m] !== 'function')
      throw new ConfigurationError(`\`backend\` must implement TokenBackend (missing ${m}())`);
  }
  for (const m of ['get', 'set', 'delete', 'list'] as const) {
    if (typeof secrets?.[m] !== 'function')
      throw new ConfigurationError(`\`secrets\` must implement SecretStore (missing ${m}())`);
  }
  if (typeof secretPrefix !== 'string') throw new ConfigurationError('`secretPrefix` must be a string');
  if (options.clock !== undefined && typeof options.clock !== 'function')
    throw new ConfigurationError('`clock` must be a function returning a Date');
  if (options.audit !== undefined && typeof options.audit?.write !== 'function')
    throw new ConfigurationError('`audit` must be an AuditSink: { name, write(events) }');
  return {
    backend,
    secrets,
    environments: Object.freeze(parseEnvironments(options.environments)),
    clock: options.clock ?? systemClock,
    secretPrefix,
    audit: options.audit,
    actor: options.actor,
    logger: checkedLogger(options.logger, 'TokenRegistry options'),
  };
}
