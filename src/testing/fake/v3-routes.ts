// /v3/manage/… URL → endpoint. Trailing slashes as on v2 (the spec lists them with one).
import { decodeSegment, type Methods } from './routes.js';
import { whoami } from './v3-auth.js';
import { createKey, getKey, listKeys, revokeKey, rotateKey, updateKey } from './v3-key-routes.js';
import { keyUsage, orgUsage } from './v3-usage.js';

const keys: Methods = {
  GET: (ctx, _request, url) => listKeys(ctx, url),
  POST: (ctx, request) => createKey(ctx, request),
};
const usage: Methods = { GET: (ctx, _request, url) => orgUsage(ctx, url) };
const whoamiRoute: Methods = { GET: (ctx) => whoami(ctx) };

const KEY_PATH = /^\/v3\/manage\/keys\/([^/]+)\/(?:(rotate|usage)\/)?$/;

/** The endpoint's methods for a /v3 path, or `undefined` (404). */
export function routeV3(path: string): Methods | undefined {
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
