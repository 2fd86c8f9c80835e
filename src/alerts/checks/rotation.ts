import type { RegistryView } from '../../registry/types.js';
import type { RotationFailure } from '../../rotation/types.js';
import { alertId, type CheckContext } from '../alert.js';
import type { Alert } from '../types.js';

/** A rotation stuck after a failure: critical, a service may be left on an expiring token. */
export function rotationAlert(f: RotationFailure, registry: RegistryView, ctx: CheckContext): Alert {
  const parsed = registry.parseName(f.name);
  const token = parsed?.logicalName ?? f.name;
  const generation = parsed?.generation ?? 1;
  return {
    id: alertId('rotation-failed', token, generation, f.rotationId, f.step),
    kind: 'rotation-failed',
    severity: 'critical',
    token,
    tokenName: f.name,
    generation,
    environment: parsed?.environment ?? 'unmanaged',
    message: `Rotation of ${token} failed at step "${f.step}" (${f.at.toISOString()}): ${f.message}. Run resume() or check it by hand`,
    at: ctx.now,
    rule: f.step,
  };
}
