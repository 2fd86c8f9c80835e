// A journal → the public result, with human migration steps (names and fingerprints, no values).
import { type Journal, modeOf } from './journal.js';
import { formatUsd } from './money.js';
import type { RotationResult } from './types.js';

export function toResult(j: Journal): RotationResult {
  const status = j.status === 'completed' ? 'completed' : 'grace';
  return {
    name: j.name,
    rotationId: j.rotationId,
    oldTokenName: j.oldTokenName,
    newTokenName: j.newTokenName,
    generation: j.newGeneration,
    mode: modeOf(j),
    status,
    graceEndsAt: j.graceEndsAt ? new Date(j.graceEndsAt) : null,
    migrationSteps: migrationSteps(j, status),
  };
}

function migrationSteps(j: Journal, status: 'grace' | 'completed'): string[] {
  const fp = j.fingerprint ? `fingerprint ${j.fingerprint}` : 'new value';
  if (modeOf(j) === 'native') return nativeSteps(j, fp);
  const steps = [
    `Reload the secret at ${j.secretRef} (${fp}) in services using ${j.name}: it now holds ${j.newTokenName}.`,
  ];
  if (status === 'grace') {
    const until = j.graceEndsAt ?? 'the end of the grace period';
    steps.push(
      j.budgeted
        ? `Old generation ${j.oldTokenName} stays valid until ${until} with ${formatUsd(j.allowanceCents)} allowance; run finalize() after that to revoke it and move what it has left to ${j.newTokenName}.`
        : `Old generation ${j.oldTokenName} stays valid (no budget limit) until ${until}; run finalize() after that to revoke it.`,
    );
  } else {
    steps.push(
      `Old generation ${j.oldTokenName} is revoked: services still using it get 401 errors until they reload.`,
    );
  }
  if (j.budgeted) {
    steps.push(
      `${j.newTokenName} was created with ${formatUsd(j.newBalanceCents)}: the ${formatUsd(j.balanceCents)} left on ${j.oldTokenName} minus the ${formatUsd(j.allowanceCents)} grace allowance (the budget is split, never doubled).`,
    );
  }
  steps.push(
    j.newExpireTime
      ? `${j.newTokenName} expires at ${j.newExpireTime}.`
      : `${j.newTokenName} has no expiry date.`,
  );
  return steps;
}

function nativeSteps(j: Journal, fp: string): string[] {
  const steps = [
    `Reload the secret at ${j.secretRef} (${fp}) in services using ${j.name}: ${j.newTokenName} (same key) has a new value.`,
    `The old value of ${j.newTokenName} stopped working at once (native rotation has no grace period): services still using it get 401 errors until they reload.`,
  ];
  if (j.budgeted)
    steps.push(
      `Budget unchanged: ${j.newTokenName} keeps its balance (same key; nothing was split or moved).`,
    );
  steps.push(
    j.newExpireTime
      ? `${j.newTokenName} expires at ${j.newExpireTime}.`
      : `${j.newTokenName} has no expiry date.`,
  );
  return steps;
}
