// Wire format of ManagementKeyClient (nock only): paths, bodies, pagination, one-time secrets,
// revoke, retries after lost answers and tolerant parsing.

import { InvalidInputError, ResponseValidationError, Secret } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { api, client, ID, ID2, SECRET, SECRET2, useNock, wireKey } from './helpers.js';

useNock();

const KEYS = '/v3/manage/keys/';

describe('list', () => {
  it('walks the limit/offset pages and yields every key once, revoked ones marked', async () => {
    const k = (i: number, extra: Record<string, unknown> = {}) =>
      wireKey({ id: `00000000-0000-4000-8000-00000000000${i}`, name: `key-${i}`, ...extra });
    api()
      .get(KEYS)
      .query({ limit: '2', offset: '0' })
      .reply(200, { count: 5, next: `${KEYS}?limit=2&offset=2`, previous: null, results: [k(1), k(2)] });
    // A key created meanwhile shifted the offsets: key-2 shows up again and is not yielded twice.
    api()
      .get(KEYS)
      .query({ limit: '2', offset: '2' })
      .reply(200, {
        count: 6,
        next: `${KEYS}?limit=2&offset=4`,
        previous: '…',
        results: [k(2), k(3, { revoked: true, revoked_at: '2026-01-02T03:04:05Z' })],
      });
    api()
      .get(KEYS)
      .query({ limit: '2', offset: '4' })
      .reply(200, { count: 6, next: null, previous: '…', results: [k(4), k(5)] });
    const keys = await client().list({ limit: 2 }).toArray();
    expect(keys.map((key) => key.name)).toEqual(['key-1', 'key-2', 'key-3', 'key-4', 'key-5']);
    expect(keys[2]).toMatchObject({ revoked: true, revokedAt: new Date('2026-01-02T03:04:05Z') });
    expect(keys[0]).toMatchObject({ revoked: false, revokedAt: null, balance: 25, id: expect.any(String) });
  });

  it('is lazy: breaking out of for-await fetches no further page', async () => {
    api()
      .get(KEYS)
      .query({ limit: '100', offset: '0' })
      .reply(200, { count: 300, next: 'x', previous: null, results: [wireKey()] });
    const seen: string[] = [];
    for await (const key of client().list()) {
      seen.push(key.name);
      break;
    }
    expect(seen).toEqual(['prod-web-app']);
  });

  it('stops on an empty page even when the server says there is more', async () => {
    api().get(KEYS).query(true).reply(200, { count: 10, next: 'more', previous: null, results: [] });
    expect(await client().list().toArray()).toEqual([]);
  });

  it('accepts a bare array as a single page', async () => {
    api().get(KEYS).query(true).reply(200, [wireKey()]);
    expect((await client().list().toArray()).map((k) => k.id)).toEqual([ID]);
  });

  it('rejects a limit outside 1..100 before any request', () => {
    expect(() => client().list({ limit: 101 })).toThrow(InvalidInputError);
    expect(() => client().list({ limit: 0 })).toThrow(/limit must be an integer from 1 to 100/);
  });
});

describe('create', () => {
  it('POSTs the v2-style body to /v3/manage/keys/ and captures the one-time secret', async () => {
    let body: unknown;
    api()
      .matchHeader('content-type', /application\/json/)
      .post(KEYS, (b) => {
        body = b;
        return true;
      })
      .reply(
        201,
        wireKey({
          balance: '25.000000000',
          balance_reset_period: 'monthly',
          balance_reset_amount: '25.000000000',
          secret: SECRET,
        }),
      );
    // The expiry must be ahead of the client's clock.
    const key = await client({ clock: () => new Date('2026-06-01T00:00:00Z') }).create({
      name: 'prod-web-app',
      balance: 25,
      balanceResetPeriod: 'monthly',
      balanceResetAmount: 25,
      expireTime: new Date(Date.UTC(2026, 5, 30, 12)),
      member: 'ops@example.com',
    });
    expect(body).toEqual({
      name: 'prod-web-app',
      balance: '25.00',
      balance_reset_period: 'monthly',
      balance_reset_amount: '25.00',
      expire_time: '2026-06-30T12:00:00.000Z',
      member: 'ops@example.com',
      default_tags: { 'etm-create': expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(key.secret).toBeInstanceOf(Secret);
    expect(key.secret.reveal()).toBe(SECRET);
    expect(key).toMatchObject({ id: ID, balance: 25, balanceResetPeriod: 'monthly', balanceResetAmount: 25 });
    expect(JSON.stringify(key)).not.toContain(SECRET);
    expect(key.extra).toBeUndefined();
  });

  it('a 201 without a secret: the key is ours, so one rotate hands a value over', async () => {
    api().post(KEYS).reply(201, wireKey());
    api()
      .post(`${KEYS}${ID}/rotate/`)
      .reply(200, wireKey({ secret: SECRET2 }));
    const key = await client().create({ name: 'prod-web-app' });
    expect(key.secret.reveal()).toBe(SECRET2);
  });

  it('a lost answer is reconciled by the marker it sent: the key that carries it is rotated, the marker removed', async () => {
    let marker = '';
    api()
      .post(KEYS, (b) => {
        marker = b.default_tags['etm-create'];
        return true;
      })
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    api()
      .get(KEYS)
      .query(true)
      .reply(200, () => ({
        total_count: 2,
        next: null,
        previous: null,
        results: [
          wireKey({ id: ID2, name: 'prod-web-app', revoked: true, revoked_at: '2026-01-01T00:00:00Z' }),
          wireKey({ default_tags: { team: 'web', 'etm-create': marker } }),
        ],
      }));
    api()
      .post(`${KEYS}${ID}/rotate/`)
      .reply(200, () => wireKey({ secret: SECRET2, default_tags: { team: 'web', 'etm-create': marker } }));
    api()
      .patch(`${KEYS}${ID}/`, { default_tags: { team: 'web' } })
      .reply(200, wireKey({ default_tags: { team: 'web' } }));
    const key = await client().create({ name: 'prod-web-app', defaultTags: { team: 'web' } });
    expect(key).toMatchObject({ id: ID, name: 'prod-web-app', defaultTags: { team: 'web' } });
    expect(key.secret.reveal()).toBe(SECRET2);
  });

  it.each([409, 400])(
    'a lost answer then a %i duplicate, and no key carries our marker: name_taken, the other key untouched',
    async (status) => {
      api().post(KEYS).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      // Someone else's key of that name: no marker (or another create's).
      const theirs = {
        total_count: 1,
        next: null,
        results: [wireKey({ default_tags: { 'etm-create': 'not-ours' } })],
      };
      api().get(KEYS).query(true).reply(200, theirs);
      api()
        .post(KEYS)
        .reply(status, {
          error: { type: 'conflict', message: { name: ['Token with this name already exists.'] } },
        });
      api().get(KEYS).query(true).reply(200, theirs);
      // No rotate, PATCH or DELETE is mocked: any would fail the test (useNock).
      await expect(client().create({ name: 'prod-web-app' })).rejects.toMatchObject({
        code: 'name_taken',
        status,
        message: expect.stringContaining('A key named "prod-web-app" already exists'),
      });
    },
  );

  it('a 409 on the first attempt is name_taken, never retried', async () => {
    api()
      .post(KEYS)
      .reply(409, {
        error: { type: 'conflict', message: { name: ['Token with this name already exists.'] } },
      });
    await expect(client().create({ name: 'prod-web-app' })).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'name_taken',
      message: expect.stringContaining('is not one this create made'),
    });
  });

  it('a created key whose answer shows the marker gets it removed; a failed removal still returns the value', async () => {
    api()
      .post(KEYS)
      .reply(201, (_uri, b) =>
        wireKey({
          secret: SECRET,
          default_tags: (b as { default_tags: Record<string, string> }).default_tags,
        }),
      );
    api()
      .patch(`${KEYS}${ID}/`, { default_tags: { team: 'web' } })
      .reply(500, { detail: 'boom' });
    const key = await client({ maxRetries: 0 }).create({
      name: 'prod-web-app',
      defaultTags: { Team: 'web' },
    });
    expect(key.secret.reveal()).toBe(SECRET);
    expect(key.defaultTags).toEqual({ team: 'web' });
  });

  it('defaultTags are checked before any request: at most 9 (the marker takes the 10th), no reserved keys', async () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, 'v']));
    await expect(client().create({ name: 'a', defaultTags: ten })).rejects.toThrow(/at most 9/);
    await expect(client().create({ name: 'a', defaultTags: { 'eden:team': 'x' } })).rejects.toMatchObject({
      name: 'InvalidInputError',
      field: 'defaultTags.eden:team',
      message: expect.stringContaining('reserved'),
    });
    await expect(client().create({ name: 'a', defaultTags: { 'etm-create': 'x' } })).rejects.toThrow(
      /reserved by this SDK/,
    );
  });

  it('a lost answer whose create did not happen is sent again', async () => {
    api().post(KEYS).reply(503, { detail: 'Service Unavailable' });
    api().get(KEYS).query(true).reply(200, { count: 0, next: null, previous: null, results: [] });
    api()
      .post(KEYS)
      .reply(201, wireKey({ secret: SECRET }));
    expect((await client().create({ name: 'prod-web-app' })).secret.reveal()).toBe(SECRET);
  });

  it('a first-attempt duplicate name (400, as v2) is a BadRequestError name_taken, not retried', async () => {
    api()
      .post(KEYS)
      .reply(400, {
        error: { type: 'validation_error', message: { name: ['Token with this name already exists.'] } },
      });
    await expect(client().create({ name: 'prod-web-app' })).rejects.toMatchObject({
      name: 'BadRequestError',
      code: 'name_taken',
      message: expect.stringContaining('A key named "prod-web-app" already exists at Eden AI'),
    });
  });

  it('bad input is refused before any request', async () => {
    await expect(client().create({ name: '' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(client().create({ name: 'a', balance: -1 })).rejects.toThrow(
      /balance -1: must not be negative/,
    );
    await expect(client().create({ name: 'a', member: 'nope' })).rejects.toMatchObject({ field: 'member' });
  });
});

describe('get, update, revoke, rotate', () => {
  it('GETs by id; reads carry no value', async () => {
    api().get(`${KEYS}${ID}/`).reply(200, wireKey());
    const key = await client().get(ID);
    expect(key.secret).toBeUndefined();
    expect(key).toMatchObject({ id: ID, member: 'ops@example.com', masked: 'sk-eden-live…6789' });
  });

  it('PATCHes policy fields and a rename', async () => {
    let body: unknown;
    api()
      .patch(`${KEYS}${ID}/`, (b) => {
        body = b;
        return true;
      })
      .reply(200, wireKey({ name: 'prod-web-app-old', balance: '0.000000000' }));
    const key = await client().update(ID, { name: 'prod-web-app-old', balance: 0, activeBalance: true });
    expect(body).toEqual({ name: 'prod-web-app-old', balance: 0, active_balance: true });
    expect(key).toMatchObject({ name: 'prod-web-app-old', balance: 0 });
  });

  it('a rename alone is a valid patch; an empty one is refused before any request', async () => {
    api()
      .patch(`${KEYS}${ID}/`, { name: 'renamed' })
      .reply(200, wireKey({ name: 'renamed' }));
    expect((await client().update(ID, { name: 'renamed' })).name).toBe('renamed');
    await expect(client().update(ID, {})).rejects.toThrow(/Empty update/);
    await expect(client().update(ID, { balance: undefined })).rejects.toThrow(/Empty update/);
  });

  it('revokes with DELETE → 204 (the reference) or 200 with a body (as Eden answers today)', async () => {
    api().delete(`${KEYS}${ID}/`).reply(204);
    await expect(client().revoke(ID)).resolves.toBeUndefined();
    api()
      .delete(`${KEYS}${ID}/`)
      .reply(200, wireKey({ revoked: true, revoked_at: '2026-01-02T03:04:05Z' }));
    await expect(client().revoke(ID)).resolves.toBeUndefined();
    api().delete(`${KEYS}${ID}/`).reply(200);
    await expect(client().revoke(ID)).resolves.toBeUndefined();
  });

  it('a revoke retried after a lost answer that finds the key gone counts as done', async () => {
    api().delete(`${KEYS}${ID}/`).replyWithError({ code: 'ECONNRESET' });
    api().delete(`${KEYS}${ID}/`).reply(404, { details: 'Not Found' });
    await expect(client().revoke(ID)).resolves.toBeUndefined();
  });

  it('a revoke of an unknown id is a NotFoundError', async () => {
    api().delete(`${KEYS}${ID}/`).reply(404, { details: 'Not Found' });
    await expect(client().revoke(ID)).rejects.toMatchObject({ name: 'NotFoundError', status: 404 });
  });

  it('rotates: same id, the new value returned once', async () => {
    api()
      .post(`${KEYS}${ID}/rotate/`)
      .reply(200, wireKey({ secret: SECRET2 }));
    const key = await client().rotate(ID);
    expect(key.id).toBe(ID);
    expect(key.secret.reveal()).toBe(SECRET2);
  });

  it('a rotate whose answer was lost is sent again (the lost value was never delivered)', async () => {
    api().post(`${KEYS}${ID}/rotate/`).replyWithError({ code: 'ECONNRESET' });
    api()
      .post(`${KEYS}${ID}/rotate/`)
      .reply(200, wireKey({ secret: SECRET2 }));
    expect((await client().rotate(ID)).secret.reveal()).toBe(SECRET2);
  });

  it('a rotate answer without a value is a ResponseValidationError naming the key', async () => {
    api().post(`${KEYS}${ID}/rotate/`).reply(200, wireKey());
    const error = await client()
      .rotate(ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(String(error)).toContain(ID);
  });

  it('ids are encoded path segments; a slash or an empty id is refused before any request', async () => {
    await expect(client().get('a/b')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(client().revoke('')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(client().rotate('..')).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('tolerant parsing', () => {
  it('takes balance as string or number, nullable fields, and keeps unknown fields (never a value)', async () => {
    api()
      .get(`${KEYS}${ID}/`)
      .reply(200, {
        id: ID,
        name: 'x',
        balance: 12.5,
        masked: 'sk…',
        token_type: null,
        active_balance: null,
        expire_time: '2026-03-04T16:03:29.123456',
        default_tags: { team: 'web' },
        api_key: 'sk-eden-should-not-be-kept',
      });
    const key = await client().get(ID);
    expect(key).toMatchObject({
      tokenType: 'api_token',
      balance: 12.5,
      activeBalance: false,
      member: null,
      revoked: false,
      expireTime: new Date('2026-03-04T16:03:29.123Z'),
      balanceResetPeriod: 'none',
      defaultTags: { team: 'web' },
    });
    expect(key.extra?.['default_tags']).toBeUndefined();
    expect(JSON.stringify(key)).not.toContain('should-not-be-kept');
  });

  it('a missing name is a ResponseValidationError whose body keeps no value', async () => {
    api().get(`${KEYS}${ID}/`).reply(200, { id: ID, secret: SECRET });
    const error = await client()
      .get(ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});

describe('whoami', () => {
  it('reads organization, scopes and expiry, tolerating a scope string and a flat key', async () => {
    api().get('/v3/manage/whoami/').reply(200, {
      org: 'Acme',
      scopes: 'manage:read manage:write',
      expires_at: null,
      name: 'ci-worker',
      plan: 'pro',
    });
    expect(await client().whoami()).toEqual({
      organization: { id: null, name: 'Acme' },
      scopes: ['manage:read', 'manage:write'],
      expireTime: null,
      key: { id: null, name: 'ci-worker', masked: null },
      extra: { plan: 'pro' },
    });
  });
});
