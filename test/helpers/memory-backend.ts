import type { CreateTokenInput, EdenToken, TokenBackend, UpdateTokenInput } from 'edenai-token-manager';
import { BadRequestError, NotFoundError, Secret } from 'edenai-token-manager';

type Method = 'create' | 'list' | 'get' | 'update' | 'delete';

export interface MemoryBackendOptions {
  /** Where the value shows up: on create (v3 style), on reads (legacy v2), or never (hashed v2). */
  values?: 'onCreate' | 'onRead' | 'never';
  /** Yield to the event loop inside every call, so concurrent calls really overlap. */
  yieldEachCall?: boolean;
}

interface Stored {
  token: Omit<EdenToken, 'secret'>;
  value: string;
}

/**
 * An in-memory `TokenBackend` test double: Eden's name uniqueness and 404s, a call log, fault
 * injection and an in-flight counter. No HTTP.
 */
export class MemoryBackend implements TokenBackend {
  readonly calls: { method: Method; name?: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly #tokens = new Map<string, Stored>();
  readonly #faults: { method: Method; name?: string; error: Error }[] = [];
  readonly #options: MemoryBackendOptions;
  #seq = 0;

  constructor(options: MemoryBackendOptions = {}) {
    this.#options = options;
  }

  /** Adds tokens directly (no call logged). */
  seed(...tokens: (Partial<EdenToken> & { name: string })[]): this {
    for (const t of tokens) {
      this.#tokens.set(t.name, {
        token: {
          tokenType: 'api_token',
          balance: null,
          activeBalance: false,
          expireTime: null,
          balanceResetPeriod: 'none',
          balanceResetAmount: null,
          ...t,
        },
        value: this.#newValue(),
      });
    }
    return this;
  }

  /** The next matching call throws `error`. */
  failNext(method: Method, error: Error, name?: string): void {
    this.#faults.push({ method, error, ...(name !== undefined && { name }) });
  }

  value(name: string): string | undefined {
    return this.#tokens.get(name)?.value;
  }

  names(): string[] {
    return [...this.#tokens.keys()].sort();
  }

  peek(name: string): Omit<EdenToken, 'secret'> | undefined {
    return this.#tokens.get(name)?.token;
  }

  writes(): { method: Method; name?: string }[] {
    return this.calls.filter((c) => c.method !== 'list' && c.method !== 'get');
  }

  async create(input: CreateTokenInput): Promise<EdenToken> {
    return this.#call('create', input.name, () => {
      if (this.#tokens.has(input.name))
        throw new BadRequestError('name: Token with this name already exists.', { status: 400 });
      const period = input.balanceResetPeriod ?? 'none';
      const stored: Stored = {
        token: {
          name: input.name,
          tokenType: input.tokenType ?? 'api_token',
          balance: input.balance ?? (period !== 'none' ? (input.balanceResetAmount ?? null) : 50),
          activeBalance: period !== 'none' || (input.activeBalance ?? false),
          expireTime: input.expireTime ?? null,
          balanceResetPeriod: period,
          balanceResetAmount: period === 'none' ? null : (input.balanceResetAmount ?? null),
        },
        value: this.#newValue(),
      };
      this.#tokens.set(input.name, stored);
      return this.#out(stored, this.#options.values === 'onCreate');
    });
  }

  async list(): Promise<EdenToken[]> {
    return this.#call('list', undefined, () =>
      Array.from(this.#tokens.values(), (s) => this.#out(s, this.#reads())),
    );
  }

  async get(name: string): Promise<EdenToken> {
    return this.#call('get', name, () => this.#out(this.#find(name), this.#reads()));
  }

  async update(name: string, patch: UpdateTokenInput): Promise<EdenToken> {
    return this.#call('update', name, () => {
      const stored = this.#find(name);
      const t = stored.token;
      if (patch.balance !== undefined) t.balance = patch.balance;
      if (patch.activeBalance !== undefined) t.activeBalance = patch.activeBalance;
      if (patch.expireTime !== undefined) t.expireTime = patch.expireTime;
      if (patch.balanceResetAmount !== undefined) t.balanceResetAmount = patch.balanceResetAmount;
      if (patch.balanceResetPeriod !== undefined) {
        t.balanceResetPeriod = patch.balanceResetPeriod;
        if (patch.balanceResetPeriod === 'none') t.balanceResetAmount = null;
        else t.activeBalance = true;
      }
      return this.#out(stored, false);
    });
  }

  async delete(name: string): Promise<void> {
    return this.#call('delete', name, () => {
      this.#find(name);
      this.#tokens.delete(name);
    });
  }

  #reads(): boolean {
    return (this.#options.values ?? 'onRead') === 'onRead';
  }

  #newValue(): string {
    return `sk-mem-${++this.#seq}-${Math.random().toString(36).slice(2, 12)}`;
  }

  #find(name: string): Stored {
    const stored = this.#tokens.get(name);
    if (!stored) throw new NotFoundError('Not Found', { status: 404 });
    return stored;
  }

  /** A copy, as a client parsing JSON would produce. */
  #out(stored: Stored, withValue: boolean): EdenToken {
    const t = stored.token;
    const out: EdenToken = { ...t, expireTime: t.expireTime && new Date(t.expireTime) };
    if (withValue) out.secret = new Secret(stored.value);
    return out;
  }

  async #call<T>(method: Method, name: string | undefined, run: () => T): Promise<T> {
    this.calls.push(name === undefined ? { method } : { method, name });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.#options.yieldEachCall) await new Promise((r) => setImmediate(r));
      const i = this.#faults.findIndex(
        (f) => f.method === method && (f.name === undefined || f.name === name),
      );
      if (i >= 0) throw this.#faults.splice(i, 1)[0]!.error;
      return run();
    } finally {
      this.inFlight--;
    }
  }
}
