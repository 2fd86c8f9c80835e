// Queue of injected faults. Latency faults add up and let the request go on; the first other
// matching fault decides the answer.
import { InvalidInputError } from '../../core/errors.js';
import type { Fault } from './types.js';

export type TerminalFault = Exclude<Fault, { kind: 'latency' }>;

interface Queued {
  fault: Fault;
  remaining: number;
}

export interface FaultPlan {
  latencyMs: number;
  fault?: TerminalFault;
}

const KINDS = new Set(['status', 'rateLimit', 'html', 'latency', 'drop', 'lostResponse']);

function matchesPath(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string')
    return path === pattern || path === `/v2${pattern}` || path === `/v3${pattern}`;
  pattern.lastIndex = 0; // a /g or /y pattern must not carry state between requests
  return pattern.test(path);
}

function validate(fault: Fault): void {
  if (typeof fault !== 'object' || fault === null || !KINDS.has((fault as { kind?: string }).kind ?? ''))
    throw new InvalidInputError(`Unknown fault kind: expected one of ${[...KINDS].join(', ')}`, {
      field: 'kind',
    });
  const times = fault.times ?? 1;
  if (!(times >= 1) || (!Number.isInteger(times) && times !== Number.POSITIVE_INFINITY))
    throw new InvalidInputError('Fault `times` must be a positive integer or Infinity', { field: 'times' });
  if (fault.kind === 'latency' && !(Number.isFinite(fault.ms) && fault.ms >= 0))
    throw new InvalidInputError('Latency fault `ms` must be a number ≥ 0', { field: 'ms' });
  if (
    fault.kind === 'status' &&
    !(Number.isInteger(fault.status) && fault.status >= 200 && fault.status <= 599)
  )
    throw new InvalidInputError('Status fault `status` must be an HTTP status (200–599)', {
      field: 'status',
    });
  if (fault.kind === 'html' && fault.status !== undefined && !(fault.status >= 200 && fault.status <= 599))
    throw new InvalidInputError('HTML fault `status` must be an HTTP status (200–599)', { field: 'status' });
  if (fault.kind === 'rateLimit' && fault.retryAfterSeconds !== undefined && !(fault.retryAfterSeconds >= 0))
    throw new InvalidInputError('`retryAfterSeconds` must be ≥ 0', { field: 'retryAfterSeconds' });
}

export class FaultQueue {
  private queue: Queued[] = [];

  inject(fault: Fault): void {
    validate(fault);
    this.queue.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  /** Consumes the faults that apply to this request. */
  take(method: string, path: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0 };
    if (this.queue.length === 0) return plan;
    for (const entry of this.queue) {
      const { fault } = entry;
      if (entry.remaining <= 0) continue;
      if (fault.match?.method && fault.match.method.toUpperCase() !== method) continue;
      if (!matchesPath(fault.match?.path, path)) continue;
      entry.remaining--;
      if (fault.kind === 'latency') plan.latencyMs += fault.ms;
      else {
        plan.fault = fault;
        break;
      }
    }
    this.queue = this.queue.filter((e) => e.remaining > 0);
    return plan;
  }
}
