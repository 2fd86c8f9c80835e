import type {
  BulkFailure,
  BulkSkip,
  PlannedRotation,
  RotationResult,
  RotationStatus,
} from '../../rotation/types.js';
import type { Style } from '../style.js';
import { table, usd } from './format.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : 'never');
const money = (n: number | null) => (n === null ? 'unlimited' : usd(n));

/** `--json` shape of one rotation. Names, ids and steps only: results never hold a value. */
export function rotationView(r: RotationResult) {
  return {
    name: r.name,
    rotationId: r.rotationId,
    oldTokenName: r.oldTokenName,
    newTokenName: r.newTokenName,
    generation: r.generation,
    status: r.status,
    graceEndsAt: iso(r.graceEndsAt),
    migrationSteps: [...r.migrationSteps],
  };
}

export function plannedView(p: PlannedRotation) {
  return {
    name: p.name,
    oldTokenName: p.oldTokenName,
    newTokenName: p.newTokenName,
    expireTime: iso(p.expireTime),
    balance: p.balance,
    allowance: p.allowance,
    newBalance: p.newBalance,
    newExpireTime: iso(p.newExpireTime),
  };
}

export const failureView = (f: BulkFailure) => ({ name: f.name, message: f.error.message });
export const skipView = (s: BulkSkip) => ({ name: s.name, reason: s.reason });

export function statusView(s: RotationStatus) {
  return {
    name: s.name,
    rotationId: s.rotationId,
    status: s.status,
    step: s.step,
    oldTokenName: s.oldTokenName,
    newTokenName: s.newTokenName,
    generation: s.generation,
    graceEndsAt: iso(s.graceEndsAt),
    allowance: s.allowance,
    newBalance: s.newBalance,
    error: s.error ? { step: s.error.step, message: s.error.message, resumable: s.error.resumable } : null,
  };
}

/** One rotated token: the swap, the grace deadline, and the migration steps (which cite no values). */
export function renderRotation(r: RotationResult, style: Style): string {
  // A native rotation (v3 with no grace period) keeps the key: only its value changed.
  if (r.oldTokenName === r.newTokenName) {
    const lines = [
      `${style.green('✓')} Rotated ${style.bold(r.name)}: ${r.newTokenName} has a new value (same key; the old value no longer works)`,
    ];
    if (r.migrationSteps.length > 0)
      lines.push('  Migration steps:', ...r.migrationSteps.map((s) => `    ${s}`));
    return lines.join('\n');
  }
  const lines = [
    `${style.green('✓')} Rotated ${style.bold(r.name)}: ${r.oldTokenName} → ${r.newTokenName} (generation ${r.generation})`,
  ];
  if (r.status === 'grace' && r.graceEndsAt) {
    lines.push(
      `  The old generation keeps working until ${r.graceEndsAt.toISOString()}; then run \`edenai-tokens finalize\`.`,
    );
  } else lines.push('  The old generation is revoked.');
  if (r.migrationSteps.length > 0)
    lines.push('  Migration steps:', ...r.migrationSteps.map((s) => `    ${s}`));
  return lines.join('\n');
}

/** Dry run: what would rotate and how the remaining balance would be split. */
export function renderPlanned(planned: readonly PlannedRotation[], style: Style): string {
  if (planned.length === 0) return `${style.green('✓')} No token needs rotating.`;
  const rows = [
    ['token', 'expires', 'balance', 'old keeps', 'new gets', 'new expiry'].map((h) => style.dim(h)),
    ...planned.map((p) => [
      p.name,
      day(p.expireTime),
      money(p.balance),
      money(p.allowance),
      money(p.newBalance),
      day(p.newExpireTime),
    ]),
  ];
  return [
    style.bold(`Would rotate ${planned.length} token(s) (dry run, nothing changed):`),
    ...table(rows, { indent: '  ', right: [2, 3, 4] }),
  ].join('\n');
}

export function renderProblems(
  failed: readonly BulkFailure[],
  skipped: readonly BulkSkip[],
  style: Style,
): string[] {
  return [
    ...failed.map((f) => `${style.red('✗')} ${f.name}: ${f.error.message.split('\n')[0]}`),
    ...skipped.map((s) => `${style.dim('-')} ${s.name}: skipped (${s.reason})`),
  ];
}
