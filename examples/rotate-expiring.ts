// Cron-ready rotation of every token expiring within N days (default 7), with zero downtime:
// 1. resume() finishes any rotation a crash interrupted (safe to run twice),
// 2. finalize() revokes old generations whose grace period is over,
// 3. rotateExpiring() swaps in new generations (the old keeps a small grace allowance; the
//    budget is split, never raised).
//
// Crontab (every day at 2 AM, like the tutorial's):
//   0 2 * * * cd /srv/edenai && EDENAI_API_KEY=... EDENAI_TOKENS_KEY=... node --import tsx examples/rotate-expiring.ts 7 >> /var/log/token-rotation.log 2>&1
//
// Exit codes: 0 done, 1 unexpected error, 3 configuration (missing key…), 6 some tokens failed
// (they are logged; the next run resumes them), 7 Eden AI unreachable.
// Without EDENAI_API_KEY it runs on the fake, whose tokens were created 85 days ago.
// Run: node --import tsx examples/rotate-expiring.ts [days]
import { APIError, ConfigurationError, RotationManager, TokenRegistry } from 'edenai-token-manager';
import { connect, environments } from './connect.js';

const withinDays = Number(process.argv[2] ?? 7);
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);

async function main(): Promise<number> {
  const { backend, secrets, state, clock, close } = await connect({ history: 85 });
  try {
    const registry = new TokenRegistry({
      backend,
      secrets,
      environments,
      clock,
    });
    const rotations = new RotationManager({ registry, state, clock, gracePeriodMs: 24 * 3_600_000 });

    const resumed = await rotations.resume();
    for (const r of resumed.resumed) log(`resumed ${r.name}: now ${r.newTokenName}`);

    const finalized = await rotations.finalize();
    for (const r of finalized.finalized) log(`finalized ${r.name}: ${r.oldTokenName} revoked`);

    const run = await rotations.rotateExpiring({
      withinDays,
      onProgress: (p) => log(`${p.ok ? 'rotated' : 'FAILED '} ${p.name} (${p.done}/${p.total})`),
    });
    for (const r of run.rotated)
      log(`${r.name}: ${r.oldTokenName} → ${r.newTokenName}, grace until ${r.graceEndsAt?.toISOString()}`);
    for (const f of [...resumed.failed, ...run.failed]) log(`ERROR ${f.name}: ${f.error.message}`);

    log(
      `done: ${run.rotated.length} rotated, ${run.failed.length + resumed.failed.length} failed, ${finalized.finalized.length} finalized`,
    );
    return run.failed.length + resumed.failed.length + finalized.failed.length > 0 ? 6 : 0;
  } finally {
    await close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  log(`ERROR ${(error as Error).message}`);
  process.exitCode = error instanceof ConfigurationError ? 3 : error instanceof APIError ? 7 : 1;
}
