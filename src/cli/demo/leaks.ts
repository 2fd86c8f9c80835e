import type { FakeEdenAI } from '../../testing/fake/index.js';

/**
 * Every token value the fake has handed out during the demo, live and revoked. The demo calls
 * `collect` after each step that creates tokens, since the fake forgets a deleted token's value.
 */
export class IssuedValues {
  private readonly values = new Set<string>();

  collect(fake: FakeEdenAI): void {
    for (const t of fake.tokens()) {
      const value = fake.tokenValue(t.name);
      if (value) this.values.add(value);
    }
  }

  get size(): number {
    return this.values.size;
  }

  /** Values found in `text` (none, we expect). */
  findIn(text: string): number {
    let found = 0;
    for (const v of this.values) if (text.includes(v)) found++;
    return found;
  }
}
