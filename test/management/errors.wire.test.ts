// Management-API errors (nock): the management-key 401, scope 403s, 404s, retries, configuration.

import {
  AuthenticationError,
  ConfigurationError,
  ManagementKeyClient,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { api, captureLogger, client, exposed, ID, MGMT_KEY, SECRET, useNock, wireKey } from './helpers.js';

useNock();

const KEYS = '/v3/manage/keys/';
const NEEDS = { detail: 'This endpoint needs a management key' };

describe('the management-key 401', () => {
  it('"This endpoint needs a management key" becomes an AuthenticationError that says which key to use', async () => {
    api().get(KEYS).query(true).reply(401, NEEDS);
    const error = await client()
      .list()
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const { message, status, path, method } = error as AuthenticationError;
    expect(status).toBe(401);
    expect({ method, path }).toEqual({ method: 'GET', path: '/manage/keys/' });
    expect(message).toMatch(/needs a management key/);
    expect(message).toMatch(/mgmt-eden-/);
    expect(message).toMatch(/manage:read/);
    expect(message).toMatch(/manage:write/);
    expect(message).toMatch(/sk-eden-/);
    expect((error as Error).cause).toBeInstanceOf(AuthenticationError);
  });

  it('is not retried', async () => {
    api().get(`${KEYS}${ID}/`).reply(401, NEEDS);
    await expect(client({ maxRetries: 5 }).get(ID)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('any 401 answered to an inference key (sk-eden-…) gets the same hint, without the key', async () => {
    const inference = 'sk-eden-live-inference-key-42';
    api(inference).get('/v3/manage/whoami/').reply(401, { detail: 'Invalid authentication credentials' });
    const error = await client({ apiKey: inference })
      .whoami()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).toMatch(/needs a management key/);
    expect(exposed(error)).not.toContain(inference);
  });

  it('a plain 401 on a management key keeps the server text', async () => {
    api().get(KEYS).query(true).reply(401, { detail: 'Invalid authentication credentials' });
    await expect(client().list().toArray()).rejects.toThrow(/^401 Invalid authentication credentials \(GET/);
  });
});

describe('other errors', () => {
  it('a 403 adds the scope rule', async () => {
    api()
      .post(KEYS)
      .reply(403, {
        error: { type: 'permission_error', message: 'You do not have permission to perform this action.' },
      });
    const error = await client()
      .create({ name: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(String(error)).toMatch(/You do not have permission.*manage:write/);
    expect(String(error)).toContain('(POST /manage/keys/)');
  });

  it('a 403 that already names the scope is left alone', async () => {
    api().delete(`${KEYS}${ID}/`).reply(403, { detail: 'Missing scope manage:write' });
    await expect(client().revoke(ID)).rejects.toThrow(/^403 Missing scope manage:write \(DELETE/);
  });

  it('an unknown id is a NotFoundError', async () => {
    api().get(`${KEYS}${ID}/`).reply(404, { detail: 'Not found.' });
    await expect(client().get(ID)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads retry 429 honouring Retry-After, then give up with RateLimitError', async () => {
    const waits: (number | undefined)[] = [];
    api().get(`${KEYS}${ID}/`).times(3).reply(429, { detail: 'throttled' }, { 'retry-after': '2' });
    const c = client({
      maxRetries: 2,
      retryDelay: (_attempt, retryAfterMs) => {
        waits.push(retryAfterMs);
        return 0;
      },
    });
    await expect(c.get(ID)).rejects.toBeInstanceOf(RateLimitError);
    expect(waits).toEqual([2000, 2000]);
  });

  it('a create is retried after a 429 (refused up front) without a lookup', async () => {
    api().post(KEYS).reply(429, { detail: 'throttled' });
    api()
      .post(KEYS)
      .reply(201, wireKey({ secret: SECRET }));
    expect((await client().create({ name: 'prod-web-app' })).secret.reveal()).toBe(SECRET);
  });
});

describe('configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads EDENAI_MANAGEMENT_KEY and the v3 host by default', async () => {
    process.env['EDENAI_MANAGEMENT_KEY'] = MGMT_KEY;
    api()
      .get('/v3/manage/whoami/')
      .reply(200, { scopes: ['manage:read'] });
    expect((await new ManagementKeyClient({ retryDelay: () => 0 }).whoami()).scopes).toEqual(['manage:read']);
  });

  it('a missing management key is a ConfigurationError; EDENAI_API_KEY is not used instead', () => {
    delete process.env['EDENAI_MANAGEMENT_KEY'];
    process.env['EDENAI_API_KEY'] = 'sk-eden-inference';
    expect(() => new ManagementKeyClient()).toThrow(ConfigurationError);
    expect(() => new ManagementKeyClient()).toThrow(/EDENAI_MANAGEMENT_KEY/);
    expect(() => new ManagementKeyClient({ apiKey: '  ' })).toThrow(/mgmt-eden-/);
  });

  it('the shared options are validated too', () => {
    expect(() => new ManagementKeyClient({ apiKey: MGMT_KEY, baseUrl: 'ftp://x' })).toThrow(
      ConfigurationError,
    );
    expect(() => new ManagementKeyClient({ apiKey: MGMT_KEY, maxRetries: -1 })).toThrow(/maxRetries/);
  });

  it('logs one debug line per attempt, with neither the key nor a value', async () => {
    const { logger, lines } = captureLogger();
    api()
      .post(KEYS)
      .reply(201, wireKey({ secret: SECRET }));
    await client({ logger }).create({ name: 'prod-web-app' });
    expect(lines).toEqual([
      {
        level: 'debug',
        message: 'Eden AI request',
        meta: expect.objectContaining({ method: 'POST', status: 201 }),
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    expect(JSON.stringify(lines)).not.toContain(MGMT_KEY);
  });
});
