// A v3 inference endpoint, POST /v3/llm/chat/completions, just enough to exercise cost tags:
// authenticated by a live key's value, tags from the key's `default_tags`, the `X-EdenAI-Tags`
// header and a `tags` body object, merged body > header > key defaults, at most 10 after merging;
// an invalid tag is a 400 before anything runs (not billed). With `x-edenai-metadata: enabled`
// the answer carries `edenai_metadata.tags`. Nothing is charged: usage comes from simulateUsage.

import { checkTagCount, readTags } from './keys.js';
import type { FakeContext } from './options.js';
import { json, readJsonBody, unauthorized } from './wire.js';

export const CHAT_PATH = '/v3/llm/chat/completions';

function tagError(message: string): Response {
  return json(400, { error: { type: 'validation_error', message: { tags: [message] } } });
}

/** `k=v,k2=v2` (spaces around items allowed); a malformed item is a string (the 400's message). */
function headerTags(header: string | null): Record<string, string> | string | undefined {
  if (header === null || header.trim() === '') return undefined;
  const tags: Record<string, string> = {};
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) return `Malformed X-EdenAI-Tags item "${item.trim()}": expected key=value.`;
    tags[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return readTags(tags);
}

export async function chatCompletion(
  ctx: FakeContext,
  request: Request,
  key: string | undefined,
): Promise<Response> {
  const entry = ctx.keys.list().find((e) => e.revokedAt === null && e.value === key);
  if (!entry) return unauthorized();
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const body = (typeof read.body === 'object' && read.body !== null ? read.body : {}) as Record<
    string,
    unknown
  >;
  const fromHeader = headerTags(request.headers.get('x-edenai-tags'));
  if (typeof fromHeader === 'string') return tagError(fromHeader);
  const fromBody = readTags(body['tags']);
  if (typeof fromBody === 'string') return tagError(fromBody);
  const tags = checkTagCount({ ...entry.tags, ...fromHeader, ...fromBody });
  if (typeof tags === 'string') return tagError(tags);
  const answer: Record<string, unknown> = {
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: 'chat.completion',
    model: typeof body['model'] === 'string' ? body['model'] : 'fake/model',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  };
  if (request.headers.get('x-edenai-metadata') === 'enabled')
    answer['edenai_metadata'] = { tags, is_byok: false, attempts: 1, region: 'eu' };
  return json(200, answer);
}
