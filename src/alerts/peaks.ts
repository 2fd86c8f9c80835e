import { VersionConflictError } from '../core/errors.js';
import type { StateStore } from '../state/types.js';

const PREFIX = 'alerts/peaks/';

/**
 * The largest balance seen per token generation, for budgets that never reset (Eden does not
 * remember what a token started with). One state entry per environment, so a run reads a handful
 * of keys, not one per token.
 */
export class BalancePeaks {
  private readonly loaded = new Map<string, { version: string | null; peaks: Record<string, number> }>();
  private readonly next = new Map<string, Record<string, number>>();

  constructor(private readonly state: StateStore) {}

  async load(environments: readonly string[]): Promise<void> {
    await Promise.all(
      environments.map(async (env) => {
        const entry = await this.state.get<Record<string, number>>(PREFIX + env);
        this.loaded.set(env, { version: entry?.version ?? null, peaks: entry?.value ?? {} });
      }),
    );
  }

  get(environment: string, tokenName: string): number | undefined {
    return this.loaded.get(environment)?.peaks[tokenName];
  }

  /** Records this run's balance; tokens not observed in a run are dropped at `save()`. */
  observe(environment: string, tokenName: string, balance: number): void {
    let peaks = this.next.get(environment);
    if (!peaks) {
      peaks = {};
      this.next.set(environment, peaks);
    }
    peaks[tokenName] = Math.max(balance, this.get(environment, tokenName) ?? 0);
  }

  /** Writes the environments whose peaks changed (compare-and-set; merges once on a conflict). */
  async save(): Promise<void> {
    const envs = new Set([...this.loaded.keys(), ...this.next.keys()]);
    await Promise.all([...envs].map((env) => this.saveOne(env)));
  }

  private async saveOne(env: string): Promise<void> {
    const before = this.loaded.get(env) ?? { version: null, peaks: {} };
    const after = this.next.get(env) ?? {};
    if (sameRecord(before.peaks, after)) return;
    const key = PREFIX + env;
    try {
      if (Object.keys(after).length === 0) {
        if (before.version !== null) await this.state.delete(key, { ifVersion: before.version });
        return;
      }
      await this.state.set(key, after, { ifVersion: before.version });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      // Another run wrote meanwhile: keep the larger of both for the tokens we saw.
      const theirs = (await this.state.get<Record<string, number>>(key))?.value ?? {};
      const merged = { ...after };
      for (const [name, v] of Object.entries(theirs))
        if (name in merged) merged[name] = Math.max(merged[name]!, v);
      await this.state.set(key, merged);
    }
  }
}

function sameRecord(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
