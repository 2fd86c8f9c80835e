// `fake.fetch`: the handler served in-process, failing the way undici's fetch does.
import { ConnectionDropped } from './context.js';
import type { FakeHandler } from './handler.js';

function fetchFailed(cause: Error): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** A `fetch` that serves every URL (any host) through `handler` while `isOpen()`. */
export function createFakeFetch(handler: FakeHandler, isOpen: () => boolean): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.signal.aborted) throw abortReason(request.signal);
    if (!isOpen()) throw fetchFailed(new Error('connect ECONNREFUSED (fake Eden AI server is closed)'));
    try {
      return await handler(request);
    } catch (error) {
      if (request.signal.aborted) throw abortReason(request.signal);
      if (error instanceof ConnectionDropped) throw fetchFailed(new Error('other side closed'));
      throw error;
    }
  };
}
