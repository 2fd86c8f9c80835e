import { VersionConflictError } from '../core/errors.js';
import type { StateStore } from '../ports/stores.js';
import { splitGeneration } from '../registry/naming.js';

const PREFIX = 'alerts/peaks/';
/** Stored as two parallel arrays: thousands of tokens copy and serialise faster than as object keys. */
type Peaks = { tokens: string[]; balances: number[] };

/** Keys are logical names; entries written before were keyed by generation and fold into them. */
function toMap(stored: Peaks | undefined): Map<string, number> {
  const peaks = new Map<string, number>();
  const { tokens = [], balances = [] } = stored ?? {};
  for (let i = 0; i < tokens.length; i++) {
    const name = splitGeneration(tokens[i]!).base;
    peaks.set(name, Math.max(balances[i] ?? 0, peaks.get(name) ?? 0));
  }
  return peaks;
}

function fromMap(peaks: Map<string, number>): Peaks {
  return { tokens: [...peaks.keys()], balances: [...peaks.values()] };
}

/**
 * The largest balance seen per logical token, for tokens whose allocated budget nobody recorded:
 * kept across runs and rotations (a new generation starts with what the old one had left). One
 * state entry per environment, so a run reads a handful of keys, not one per token; written only
 * when something changed.
 */
export class BalancePeaks {
  private readonly loaded = new Map<string, { version: string | null; peaks: Map<string, number> }>();
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(private readonly state: StateStore) {}

  async load(environments: readonly string[]): Promise<void> {
    await Promise.all(
      environments.map(async (env) => {
        const entry = await this.state.get<Peaks>(PREFIX + env);
        this.loaded.set(env, {
          version: entry?.version ?? null,
          peaks: toMap(entry?.value),
        });
        this.seen.set(env, new Map());
      }),
    );
  }

  /**
   * Records this run's balance and returns the largest balance seen (this one included). Tokens
   * not observed in a run are dropped at `save()`.
   */
  observe(environment: string, name: string, balance: number): number {
    const before = this.loaded.get(environment)?.peaks.get(name) ?? 0;
    const peak = Math.max(balance, before);
    let seen = this.seen.get(environment);
    if (!seen) {
      seen = new Map();
      this.seen.set(environment, seen);
    }
    seen.set(name, peak);
    return peak;
  }

  /** Writes the environments whose peaks changed (compare-and-set; merges once on a conflict). */
  async save(): Promise<void> {
    await Promise.all([...this.seen.keys()].map((env) => this.saveOne(env)));
  }

  private async saveOne(env: string): Promise<void> {
    const before = this.loaded.get(env) ?? { version: null, peaks: new Map<string, number>() };
    const after = this.seen.get(env)!;
    if (sameMap(before.peaks, after)) return;
    const key = PREFIX + env;
    try {
      if (after.size === 0) {
        if (before.version !== null) await this.state.delete(key, { ifVersion: before.version });
        return;
      }
      await this.state.set(key, fromMap(after), { ifVersion: before.version });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // Another run wrote meanwhile: keep the larger of both for the tokens we saw.
      const theirs = toMap((await this.state.get<Peaks>(key))?.value);
      const merged = new Map(after);
      for (const [name, v] of theirs) if (merged.has(name)) merged.set(name, Math.max(merged.get(name)!, v));
      await this.state.set(key, fromMap(merged));
    }
  }
}

function sameMap(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
