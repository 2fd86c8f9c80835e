// The one request handler behind both the HTTP server and `fake.fetch` (log → faults and latency →
// rate limit → route → auth → endpoint), its URL routes, and its two transports: a node:http
// server on 127.0.0.1 and an in-process `fetch`.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '../../core/errors.js';
import { costReport, credits, keyUsage, orgUsage } from './costs.js';
import { faultAnswer } from './faults.js';
import { CHAT_PATH, chatCompletion } from './inference.js';
import { createKey, getKey, listKeys, revokeKey, rotateKey, updateKey, whoami } from './keys.js';
import type { FakeContext } from './options.js';
import { createToken, deleteToken, getToken, listTokens, updateToken } from './tokens.js';
import type { FakeRequestLogEntry } from './types.js';
import { internalError, json, methodNotAllowed, notFound, throttled, unauthorized } from './wire.js';

/** Thrown by the handler when the connection must drop without an answer. */
class ConnectionDropped extends Error {
  constructor() {
    super('connection dropped by the fake Eden AI server');
  }
}

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
    if (delay > 0) {
      await ctx.sleep(delay, request.signal).catch((error: unknown) => {
        if (!request.signal.aborted) throw error;
      });
    }
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
    // Inference takes a key's own value.
    if (url.pathname === CHAT_PATH) {
      if (method !== 'POST') return methodNotAllowed(method, ['POST']);
      return await chatCompletion(ctx, request, bearer(request));
    }
    // v3 (/v3/manage/…) takes a management key; v2 the account API key.
    const v3 = url.pathname.startsWith('/v3/');
    const methods = v3 ? routeV3(url.pathname) : route(url.pathname);
    if (!methods) return notFound();
    if (v3) {
      const denied = managementAuth(ctx, request) ?? missingScope(ctx, method, url.pathname);
      if (denied) return denied;
    } else if (!authorized(request, ctx.apiKey)) return unauthorized();
    // Eden's newer rule: token management takes a dashboard session, never an API key.
    else if (ctx.v2TokenManagement === 'session-only' && url.pathname.startsWith(TOKENS_PATH))
      return unauthorized();
    const endpoint = methods[method];
    if (!endpoint) return methodNotAllowed(method, Object.keys(methods));
    return await endpoint(ctx, request, url);
  } catch {
    return internalError();
  }
}

/** The bearer of the `authorization` header; DRF compares the keyword case-insensitively. */
function bearer(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  const space = header?.indexOf(' ') ?? -1;
  if (!header || space <= 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  return header.slice(space + 1);
}

const authorized = (request: Request, apiKey: string) => bearer(request) === apiKey;

/**
 * `undefined` when the request carries the management key; otherwise the 401 to answer. An
 * inference key (`sk-eden-…`, any token's value) or the v2 API key gets Eden's
 * "This endpoint needs a management key"; anything else the usual invalid-credentials answer.
 */
function managementAuth(ctx: FakeContext, request: Request): Response | undefined {
  const key = bearer(request);
  if (key === ctx.managementKey) return undefined;
  if (key && (key === ctx.apiKey || key.startsWith('sk-eden-')))
    return json(401, { detail: 'This endpoint needs a management key' }, { 'www-authenticate': 'Bearer' });
  return unauthorized();
}

/**
 * `undefined` when the management key has the scope the call needs (whoami: none; reads:
 * `manage:read`; writes: `manage:write`); otherwise the 403 naming the missing scope.
 */
function missingScope(ctx: FakeContext, method: string, path: string): Response | undefined {
  if (path === '/v3/manage/whoami/') return undefined;
  const scope = method === 'GET' ? 'manage:read' : 'manage:write';
  if (ctx.managementScopes.includes(scope)) return undefined;
  return json(403, { detail: `This management key lacks the ${scope} scope.` });
}

/**
 * The default `sleep`: a timer that ends early when the client aborts (the handler then drops the
 * request).
 */
export function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

// URL → endpoint. Paths keep Eden's trailing slash: without it the answer is a 404 (Django would
// redirect GETs; a 404 makes a client that forgets the slash fail loudly instead of silently).

type Endpoint = (ctx: FakeContext, request: Request, url: URL) => Response | Promise<Response>;
type Methods = Record<string, Endpoint>;

const tokens: Methods = {
  GET: (ctx) => listTokens(ctx),
  POST: (ctx, request) => createToken(ctx, request),
};
const costs: Methods = { GET: (ctx, _request, url) => costReport(ctx, url) };
const creditsRoute: Methods = { GET: (ctx) => credits(ctx) };

function tokenRoute(name: string): Methods {
  return {
    GET: (ctx) => getToken(ctx, name),
    PATCH: (ctx, request) => updateToken(ctx, request, name),
    DELETE: (ctx) => deleteToken(ctx, name),
  };
}

const TOKENS_PATH = '/v2/user/custom_token/';
const TOKEN_PATH = /^\/v2\/user\/custom_token\/([^/]+)\/$/;

/** The endpoint's methods for a URL path, or `undefined` (404). */
function route(path: string): Methods | undefined {
  switch (path) {
    case TOKENS_PATH:
      return tokens;
    case '/v2/cost_management/':
      return costs;
    case '/v2/cost_management/credits/':
      return creditsRoute;
  }
  const m = TOKEN_PATH.exec(path);
  if (!m) return undefined;
  const name = decodeSegment(m[1]!);
  return name === undefined ? undefined : tokenRoute(name);
}

/** A %-decoded path segment, or `undefined` when its %-encoding is malformed (then: 404). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// /v3/manage/… URL → endpoint. Trailing slashes as on v2 (the spec lists them with one).

const keys: Methods = {
  GET: (ctx, _request, url) => listKeys(ctx, url),
  POST: (ctx, request) => createKey(ctx, request),
};
const usage: Methods = { GET: (ctx, _request, url) => orgUsage(ctx, url) };
const whoamiRoute: Methods = { GET: (ctx) => whoami(ctx) };

const KEY_PATH = /^\/v3\/manage\/keys\/([^/]+)\/(?:(rotate|usage)\/)?$/;

/** The endpoint's methods for a /v3 path, or `undefined` (404). */
function routeV3(path: string): Methods | undefined {
  switch (path) {
    case '/v3/manage/keys/':
      return keys;
    case '/v3/manage/usage/':
      return usage;
    case '/v3/manage/whoami/':
      return whoamiRoute;
  }
  const m = KEY_PATH.exec(path);
  if (!m) return undefined;
  const id = decodeSegment(m[1]!);
  if (id === undefined) return undefined;
  if (m[2] === 'rotate') return { POST: (ctx) => rotateKey(ctx, id) };
  if (m[2] === 'usage') return { GET: (ctx, _request, url) => keyUsage(ctx, url, id) };
  return {
    GET: (ctx) => getKey(ctx, id),
    PATCH: (ctx, request) => updateKey(ctx, request, id),
    DELETE: (ctx) => revokeKey(ctx, id),
  };
}

// node:http adapter: turns IncomingMessage into a Request, writes the Response back, and destroys
// the socket when the handler says the connection drops. node:http is loaded only to listen, so
// the in-process fake runs where Node's modules are missing (Workers, edge runtimes).

export interface HttpServer {
  origin: string;
  close(): Promise<void>;
}

async function serveNode(handler: FakeHandler, origin: string, req: IncomingMessage, res: ServerResponse) {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array<ArrayBuffer>);
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = chunks.length > 0 && method !== 'GET' && method !== 'HEAD';
  let response: Response;
  try {
    response = await handler(
      new Request(`${origin}${req.url ?? '/'}`, {
        method,
        headers,
        body: hasBody ? new Blob(chunks) : undefined,
        signal: aborted.signal,
      }),
    );
  } catch {
    req.socket.destroy();
    return;
  }
  const body = response.body ? new Uint8Array(await response.arrayBuffer()) : undefined;
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    out[key] = value;
  });
  res.writeHead(response.status, out);
  res.end(body);
}

/** Listens on 127.0.0.1:`port` (0: any free port). */
export async function listen(handler: FakeHandler, port: number): Promise<HttpServer> {
  let http: typeof import('node:http');
  // In a try block, bundlers leave the import unresolved instead of failing the build.
  try {
    http = await import('node:http');
  } catch (cause) {
    throw new ConfigurationError('createFakeEdenAI: listening needs node:http; use { listen: false }', {
      cause,
    });
  }
  return new Promise((resolve, reject) => {
    let origin = '';
    const server: Server = http.createServer((req, res) => {
      serveNode(handler, origin, req, res).catch(() => req.socket.destroy());
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        origin,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

// `fake.fetch`: the handler served in-process, failing the way undici's fetch does.

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
