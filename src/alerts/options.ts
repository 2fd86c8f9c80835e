import { ConfigurationError } from '../core/errors.js';
import type { Notifier } from '../ports/notifier.js';
import { assertTimeZone } from './periods.js';
import type { AlertSystemOptions } from './types.js';

/** Checks AlertSystem's options up front: a typed error naming the bad option, nothing started. */
export function validateOptions(options: AlertSystemOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('AlertSystem needs an options object: { registry, notifiers }');
  }
  const { registry, usage, rotations, clock, state } = options;
  if (
    !registry ||
    typeof registry.byEnvironment !== 'function' ||
    typeof registry.environments !== 'object'
  ) {
    throw new ConfigurationError('AlertSystem `registry` must be a TokenRegistry (or any RegistryView)');
  }
  if (usage !== undefined && typeof usage?.forecast !== 'function') {
    throw new ConfigurationError('AlertSystem `usage` must have a forecast(name) method (a UsageMonitor)');
  }
  if (rotations !== undefined && typeof rotations?.failures !== 'function') {
    throw new ConfigurationError('AlertSystem `rotations` must have a failures() method (a RotationManager)');
  }
  if (state !== undefined && (typeof state?.get !== 'function' || typeof state.list !== 'function')) {
    throw new ConfigurationError(
      'AlertSystem `state` must be a StateStore (MemoryStateStore, FileStateStore…)',
    );
  }
  if (clock !== undefined && typeof clock !== 'function') {
    throw new ConfigurationError('AlertSystem `clock` must be a function returning a Date');
  }
  assertTimeZone(options.timeZone ?? 'Europe/Paris');
  validateNotifiers(options.notifiers);
}

/** Notifier names key the delivery marks: each must be a non-empty string, unique. */
function validateNotifiers(notifiers: unknown): asserts notifiers is Notifier[] {
  if (!Array.isArray(notifiers)) {
    throw new ConfigurationError('AlertSystem `notifiers` must be an array, e.g. [new ConsoleNotifier()]');
  }
  const names = new Set<string>();
  for (const [i, n] of notifiers.entries()) {
    if (typeof n?.notify !== 'function' || typeof n?.name !== 'string' || n.name.length === 0) {
      throw new ConfigurationError(`notifiers[${i}] must be { name: string, notify(alerts) }`);
    }
    if (names.has(n.name)) {
      throw new ConfigurationError(
        `Two notifiers are named "${n.name}": give each a distinct \`name\` (it keys the delivery marks)`,
      );
    }
    names.add(n.name);
  }
}
