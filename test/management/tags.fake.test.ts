// Cost tags on the fake's v3: a key's default_tags, the X-EdenAI-Tags header and a `tags` body
// object on an inference call, merged body > header > key defaults, at most 10 after merging; an
// invalid tag is a 400. The ManagementKeyClient sets and replaces default_tags.

import { ManagementKeyClient } from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';

let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The parts of a chat answer the tests read. */
interface Answer {
  edenai_metadata: { tags: Record<string, string> };
  error: { message: Record<string, string[]> };
}

async function start() {
  fake = await createFakeEdenAI({ listen: false });
  const client = new ManagementKeyClient({ ...fake.managementClientOptions, retryDelay: () => 0 });
  const f = fake;
  /** An inference call with the key's value. */
  const chat = async (value: string, init: { header?: string; tags?: unknown } = {}) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${value}`,
      'content-type': 'application/json',
      'x-edenai-metadata': 'enabled',
    };
    if (init.header !== undefined) headers['x-edenai-tags'] = init.header;
    const body = {
      model: 'openai/gpt-4o-mini',
      messages: [],
      ...(init.tags !== undefined && { tags: init.tags }),
    };
    const res = await f.fetch(`${f.v3BaseUrl}/llm/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  return { fake: f, client, chat };
}

describe('cost tags on the fake v3', () => {
  it('ManagementKeyClient create/update set default_tags (keys lowercase); the marker is gone', async () => {
    const { fake, client } = await start();
    const key = await client.create({ name: 'prod-web-app', defaultTags: { Team: 'payments', env: 'prod' } });
    expect(key.defaultTags).toEqual({ team: 'payments', env: 'prod' });
    expect(fake.keys()[0]!.tags).toEqual({ team: 'payments', env: 'prod' });
    const updated = await client.update(key.id!, { defaultTags: { team: 'search' } });
    expect(updated.defaultTags).toEqual({ team: 'search' });
    expect((await client.get(key.id!)).defaultTags).toEqual({ team: 'search' });
    await expect(client.update(key.id!, { defaultTags: { 'eden:x': 'y' } })).rejects.toMatchObject({
      name: 'InvalidInputError',
      field: 'defaultTags.eden:x',
    });
  });

  it('merges body over header over key defaults, and echoes them in edenai_metadata', async () => {
    const { client, chat } = await start();
    const key = await client.create({
      name: 'k',
      defaultTags: { team: 'payments', env: 'prod', feature: 'x' },
    });
    const value = key.secret.reveal();
    const res = await chat(value, { header: 'env=staging, feature=checkout', tags: { feature: 'refunds' } });
    expect(res.status).toBe(200);
    expect(res.body.edenai_metadata.tags).toEqual({
      team: 'payments',
      env: 'staging',
      feature: 'refunds',
    });
    expect((await chat(value)).body.edenai_metadata.tags).toEqual({
      team: 'payments',
      env: 'prod',
      feature: 'x',
    });
  });

  it('answers 400 to an invalid tag, a malformed header or more than 10 after merging', async () => {
    const { client, chat } = await start();
    const five = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'v']));
    const key = await client.create({ name: 'k', defaultTags: five });
    const value = key.secret.reveal();
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`b${i}`, 'v']));
    for (const init of [
      { tags: { 'eden:x': 'y' } },
      { header: 'novalue' },
      { header: 'a=b c' },
      { tags: six },
    ]) {
      const res = await chat(value, init);
      expect(res.status, JSON.stringify(init)).toBe(400);
      expect(res.body.error.message).toHaveProperty('tags');
    }
    expect((await chat('sk-eden-unknown')).status).toBe(401);
  });
});
