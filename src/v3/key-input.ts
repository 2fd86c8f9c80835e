/**
 * Checks v3 inputs before any request is sent and builds the wire bodies. The policy fields are
 * the v2 ones (same checks, same decimal strings), so they reuse the v2 builders.
 */

import { InvalidInputError } from '../core/errors.js';
import { assertTokenName, createBody, patchBody } from '../v2/token-input.js';
import type { CreateManagementKeyInput, ManagementKeyPatch } from './types.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const BAD_ID = /[\u0000-\u001f\u007f-\u009f/]/;

function invalid(field: string, message: string): never {
  throw new InvalidInputError(message, { field });
}

/** A key id (a uuid on Eden): a path segment, so no slashes, dots-only or control characters. */
export function assertKeyId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.trim() === '') invalid('id', 'Key id must be a non-empty string');
  if (id.length > 100 || BAD_ID.test(id) || id === '.' || id === '..')
    invalid('id', `Key id ${JSON.stringify(id.slice(0, 100))} is not a valid id`);
}

/** `manage/keys/{id}/` (Eden's trailing slash). */
export function keyPath(id: string, tail = ''): string {
  return `manage/keys/${encodeURIComponent(id)}/${tail}`;
}

/** `POST /manage/keys/` body. */
export function createKeyBody(input: CreateManagementKeyInput): Record<string, unknown> {
  const body = createBody(input);
  if (input.member !== undefined) {
    if (typeof input.member !== 'string' || !EMAIL.test(input.member))
      invalid('member', 'member must be the email of an organization member');
    body['member'] = input.member;
  }
  return body;
}

/** `PATCH /manage/keys/{id}/` body: policy fields (as on v2) and an optional rename. */
export function patchKeyBody(patch: ManagementKeyPatch): Record<string, unknown> {
  if (patch === null || typeof patch !== 'object') invalid('patch', 'patch must be an object');
  const { name, ...policy } = patch;
  const hasPolicy = Object.values(policy).some((v) => v !== undefined);
  if (name === undefined && !hasPolicy) {
    invalid(
      'patch',
      'Empty update: give at least one of name, balance, activeBalance, expireTime, balanceResetPeriod, balanceResetAmount',
    );
  }
  const body = hasPolicy ? patchBody(policy) : {};
  if (name !== undefined) {
    assertTokenName(name);
    body['name'] = name;
  }
  return body;
}
