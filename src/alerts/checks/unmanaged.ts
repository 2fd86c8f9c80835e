import type { EdenToken } from '../../ports/backend.js';
import { alertId, type CheckContext } from '../alert.js';
import type { Alert } from '../types.js';

/** A token whose name matches no declared environment: worth knowing about, not urgent. */
export function unmanagedAlert(t: EdenToken, ctx: CheckContext): Alert {
  return {
    id: alertId('unmanaged-token', t.name, 1),
    kind: 'unmanaged-token',
    severity: 'info',
    token: t.name,
    tokenName: t.name,
    generation: 1,
    environment: 'unmanaged',
    message: `${t.name} matches no declared environment (unmanaged token)`,
    at: ctx.now,
    balance: t.activeBalance ? t.balance : null,
  };
}
