// Management-key auth for /v3/manage/*, and /v3/manage/whoami/.
import type { FakeContext } from './context.js';
import { json, unauthorized } from './responses.js';

const ORGANIZATION = { id: '00000000-0000-4000-8000-00000000ed00', name: 'Fake Eden AI organization' };
const SCOPES = ['manage:read', 'manage:write'];

function bearer(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  const space = header?.indexOf(' ') ?? -1;
  if (!header || space <= 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  return header.slice(space + 1);
}

/**
 * `undefined` when the request carries the management key; otherwise the 401 to answer. An
 * inference key (`sk-eden-…`, any token's value) or the v2 API key gets Eden's
 * "This endpoint needs a management key"; anything else the usual invalid-credentials answer.
 */
export function managementAuth(ctx: FakeContext, request: Request): Response | undefined {
  const key = bearer(request);
  if (key === ctx.managementKey) return undefined;
  if (key && (key === ctx.apiKey || key.startsWith('sk-eden-')))
    return json(401, { detail: 'This endpoint needs a management key' }, { 'www-authenticate': 'Bearer' });
  return unauthorized();
}

export function whoami(ctx: FakeContext): Response {
  return json(200, {
    organization: ORGANIZATION,
    key: { id: null, name: 'fake-management-key', masked: `mgmt-eden-…${ctx.managementKey.slice(-4)}` },
    scopes: SCOPES,
    expire_time: null,
  });
}
