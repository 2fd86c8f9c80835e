// URL → endpoint. Paths keep Eden's trailing slash: without it the answer is a 404 (Django would
// redirect GETs; a 404 makes a client that forgets the slash fail loudly instead of silently).
import type { FakeContext } from './context.js';
import { costReport, credits } from './cost-routes.js';
import { createToken, deleteToken, getToken, listTokens, updateToken } from './token-routes.js';

type Endpoint = (ctx: FakeContext, request: Request, url: URL) => Response | Promise<Response>;
export type Methods = Record<string, Endpoint>;

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

const TOKEN_PATH = /^\/v2\/user\/custom_token\/([^/]+)\/$/;

/** The endpoint's methods for a URL path, or `undefined` (404). */
export function route(path: string): Methods | undefined {
  switch (path) {
    case '/v2/user/custom_token/':
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
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
