// ManagementKeyBackend edge cases on the wire (nock): names several live keys share, legacy keys
// without an id, revoked keys hidden, a stray rename in a patch.

import {
  ConfigurationError,
  InvalidInputError,
  ManagementKeyBackend,
  ManagementKeyClient,
  NotFoundError,
} from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { api, client, ID, ID2, useNock, wireKey } from './helpers.js';

useNock();

const page = (...results: Record<string, unknown>[]) => ({
  count: results.length,
  next: null,
  previous: null,
  results,
});

describe('ManagementKeyBackend names', () => {
  it('a name two live keys share is refused with a way out, before any write', async () => {
    api()
      .get('/v3/manage/keys/')
      .query(true)
      .reply(200, page(wireKey(), wireKey({ id: ID2, member: 'other@example.com' })));
    const error = await new ManagementKeyBackend(client()).delete('prod-web-app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(String(error)).toMatch(/used by 2 live keys.*member/);
  });

  it('a legacy key without an id is listed but cannot be changed', async () => {
    api()
      .get('/v3/manage/keys/')
      .query(true)
      .twice()
      .reply(200, page(wireKey({ id: null, name: 'Production' })));
    const backend = new ManagementKeyBackend({ client: client(), maxCacheAgeMs: 0 });
    const [legacy] = await backend.list();
    expect(legacy).toMatchObject({ name: 'Production' });
    expect(legacy).not.toHaveProperty('id');
    await expect(backend.update('Production', { balance: 1 })).rejects.toThrow(/legacy key without an id/);
  });

  it('revoked keys are hidden from list and treated as absent', async () => {
    api()
      .get('/v3/manage/keys/')
      .query(true)
      .twice()
      .reply(
        200,
        page(wireKey({ revoked: true, revoked_at: '2026-01-01T00:00:00Z' }), wireKey({ id: ID2, name: 'b' })),
      );
    const backend = new ManagementKeyBackend(client());
    expect((await backend.list()).map((t) => t.name)).toEqual(['b']);
    // A miss refreshes once, then it is a NotFoundError.
    await expect(backend.get('prod-web-app')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a stray `name` in an update patch is not sent: the port never renames', async () => {
    api().get('/v3/manage/keys/').query(true).reply(200, page(wireKey()));
    api()
      .patch(`/v3/manage/keys/${ID}/`, { balance: 2 })
      .reply(200, wireKey({ balance: '2' }));
    const patch = { balance: 2, name: 'renamed' } as { balance: number };
    expect((await new ManagementKeyBackend(client()).update('prod-web-app', patch)).balance).toBe(2);
  });

  it('bad names and options are refused before any request', async () => {
    const backend = new ManagementKeyBackend(client());
    await expect(backend.get('')).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => new ManagementKeyBackend({ client: client(), maxCacheAgeMs: -1 })).toThrow(/maxCacheAgeMs/);
    // One argument: the client alone, or { client, ...options }; the 0.x (client, options) form fails loudly.
    const Backend = ManagementKeyBackend as unknown as new (...args: unknown[]) => ManagementKeyBackend;
    expect(() => new Backend(client(), { member: 'me@example.com' })).toThrow(ConfigurationError);
    expect(() => new Backend({ member: 'me@example.com' })).toThrow(ConfigurationError);
    expect(new ManagementKeyBackend({ client: client() }).client).toBeInstanceOf(ManagementKeyClient);
  });
});
