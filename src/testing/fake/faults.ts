// What makes the fake fail on purpose: injected faults (latency faults add up and let the request
// go on; the first other matching fault decides the answer) and the rate limit.
import { InvalidInputError } from '../../core/errors.js';
import type { Fault } from './types.js';
import { htmlPage, statusAnswer, throttled } from './wire.js';

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

/** The answer a terminal fault gives, or `undefined` when it acts on the connection instead. */
export function faultAnswer(fault: TerminalFault): Response | undefined {
  switch (fault.kind) {
    case 'status':
      return statusAnswer(fault.status, fault.body, fault.headers);
    case 'rateLimit':
      return throttled(fault.retryAfterSeconds ?? 1);
    case 'html':
      return htmlPage(fault.status ?? 502);
    default:
      return undefined; // drop and lostResponse are handled around serve()
  }
}

// "More than N requests in any 1000 ms" → 429. A ring of the last N accepted request times: a new
// request fits when the oldest of them left the window. O(1) per request.

const WINDOW_MS = 1000;

export class SlidingWindowLimiter {
  private readonly times: number[];
  private next = 0;
  private count = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.times = new Array<number>(perSecond).fill(0);
  }

  /** Takes a slot, or returns the seconds to wait (for Retry-After). */
  acquire(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    if (this.count === this.perSecond) {
      const oldest = this.times[this.next]!;
      const wait = oldest + WINDOW_MS - now;
      if (wait > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / WINDOW_MS)) };
    } else this.count++;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.perSecond;
    return { ok: true };
  }
}
