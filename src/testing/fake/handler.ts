// The one request handler behind both the HTTP server and `fake.fetch`:
// log → faults and latency → rate limit → route → auth → endpoint.
import { ConnectionDropped, type FakeContext } from './context.js';
import type { TerminalFault } from './faults.js';
import {
  htmlPage,
  internalError,
  methodNotAllowed,
  notFound,
  statusAnswer,
  throttled,
  unauthorized,
} from './responses.js';
import { route } from './routes.js';
import type { FakeRequestLogEntry } from './types.js';
import { managementAuth } from './v3-auth.js';
import { routeV3 } from './v3-routes.js';

export type FakeHandler = (request: Request) => Promise<Response>;

/** Builds the handler. It throws `ConnectionDropped` when the connection must drop unanswered. */
export function createHandler(ctx: FakeContext): FakeHandler {
  return async (request) => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const entry: FakeRequestLogEntry = { method, path: url.pathname, status: 0, at: ctx.now() };
    ctx.log.push(entry);
    const plan = ctx.faults.take(method, url.pathname);
    const fault = plan.fault;
    if (fault) entry.fault = fault.kind;
    else if (plan.latencyMs > 0) entry.fault = 'latency';
    const delay = ctx.latencyMs + plan.latencyMs;
    if (delay > 0) await sleep(delay, request.signal);
    // A client that gave up before the server acted changes nothing.
    if (request.signal.aborted || fault?.kind === 'drop') throw new ConnectionDropped();
    const response = (fault && faultAnswer(fault)) || (await serve(ctx, request, url, method));
    if (fault?.kind === 'lostResponse') throw new ConnectionDropped();
    entry.status = response.status;
    return response;
  };
}

async function serve(ctx: FakeContext, request: Request, url: URL, method: string): Promise<Response> {
  try {
    if (ctx.limiter) {
      const slot = ctx.limiter.acquire();
      if (!slot.ok) return throttled(slot.retryAfterSeconds);
    }
    // v3 (/v3/manage/…) takes a management key; v2 the account API key.
    const v3 = url.pathname.startsWith('/v3/');
    const methods = v3 ? routeV3(url.pathname) : route(url.pathname);
    if (!methods) return notFound();
    if (v3) {
      const denied = managementAuth(ctx, request);
      if (denied) return denied;
    } else if (!authorized(request, ctx.apiKey)) return unauthorized();
    const endpoint = methods[method];
    if (!endpoint) return methodNotAllowed(method, Object.keys(methods));
    return await endpoint(ctx, request, url);
  } catch {
    return internalError();
  }
}

function authorized(request: Request, apiKey: string): boolean {
  const header = request.headers.get('authorization');
  if (!header) return false;
  const space = header.indexOf(' ');
  // DRF compares the keyword case-insensitively.
  return space > 0 && header.slice(0, space).toLowerCase() === 'bearer' && header.slice(space + 1) === apiKey;
}

function faultAnswer(fault: TerminalFault): Response | undefined {
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ConnectionDropped());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ConnectionDropped());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
