// /v2/user/custom_token/ and /v2/user/custom_token/{name}/.
import { readJsonBody } from './body.js';
import type { FakeContext } from './context.js';
import { notAnObject } from './fields.js';
import { json, noContent, notFound, validationError } from './responses.js';
import { buildToken, patchToken } from './token-rules.js';
import { createdBody, patchedBody, readBody } from './token-wire.js';

export function listTokens(ctx: FakeContext): Response {
  return json(
    200,
    ctx.store.list().map((t) => readBody(t, ctx.tokenValues)),
  );
}

export async function createToken(ctx: FakeContext, request: Request): Promise<Response> {
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const shapeError = notAnObject(read.body);
  if (shapeError) return validationError({ non_field_errors: [shapeError] });
  const built = buildToken(read.body as Record<string, unknown>, ctx.newTokenValue(), ctx.now());
  if (!built.ok) return validationError(built.errors);
  if (ctx.store.get(built.value.name))
    return validationError({ name: ['Token with this name already exists.'] });
  ctx.store.put(built.value);
  return json(201, createdBody(built.value));
}

export function getToken(ctx: FakeContext, name: string): Response {
  const token = ctx.store.get(name);
  return token ? json(200, readBody(token, ctx.tokenValues)) : notFound();
}

export async function updateToken(ctx: FakeContext, request: Request, name: string): Promise<Response> {
  const token = ctx.store.get(name);
  if (!token) return notFound();
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const shapeError = notAnObject(read.body);
  if (shapeError) return validationError({ non_field_errors: [shapeError] });
  const patched = patchToken(token, read.body as Record<string, unknown>, ctx.now());
  if (!patched.ok) return validationError(patched.errors);
  ctx.store.put(patched.value);
  return json(200, patchedBody(patched.value));
}

export function deleteToken(ctx: FakeContext, name: string): Response {
  return ctx.store.remove(name) ? noContent() : notFound();
}
