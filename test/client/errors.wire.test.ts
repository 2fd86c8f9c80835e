// Error mapping: Eden's three JSON error shapes, non-JSON bodies and schema mismatches (nock only).

import {
  APIError,
  AuthenticationError,
  BadRequestError,
  CustomTokenClient,
  InternalServerError,
  isEdenAIError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  ResponseValidationError,
} from 'edenai-token-manager';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, BASE, fastOptions, TOKEN_VALUE } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const api = () => nock(BASE);
const client = () => new CustomTokenClient(fastOptions({ maxRetries: 0 }).options);

async function failure(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(APIError);
  return error as APIError;
}

describe('JSON error shapes', () => {
  it('renders a field-error object: `name: Token with this name already exists.`', async () => {
    const body = {
      error: { type: 'validation_error', message: { name: ['Token with this name already exists.'] } },
    };
    api().post('/v2/user/custom_token/').reply(400, body, { 'x-request-id': 'req-42' });
    const error = await failure(client().create({ name: 'dup' }));
    expect(error).toBeInstanceOf(BadRequestError);
    // Eden's own words stay on the cause; the message says what to do.
    expect((error.cause as Error).message).toBe(
      '400 name: Token with this name already exists. (POST /user/custom_token/)',
    );
    expect(error.message).toMatch(/^400 A token named "dup" already exists at Eden AI: choose another name/);
    expect(error).toMatchObject({
      code: 'name_taken',
      status: 400,
      method: 'POST',
      path: '/user/custom_token/',
      requestId: 'req-42',
      body,
    });
    expect(error.headers['x-request-id']).toBe('req-42');
    expect(isEdenAIError(error)).toBe(true);
  });

  it('joins several fields and messages', async () => {
    api()
      .post('/v2/user/custom_token/')
      .reply(400, {
        error: { type: 'validation_error', message: { balance: ['Too big.', 'Bad.'], name: ['Bad.'] } },
      });
    const error = await failure(client().create({ name: 'x' }));
    expect(error.message).toContain('balance: Too big. Bad.; name: Bad.');
  });

  it.each([
    [
      403,
      { error: { type: 'permission_error', message: 'You do not have permission to manage tokens' } },
      PermissionDeniedError,
      'You do not have permission to manage tokens',
    ],
    [404, { details: 'Not Found' }, NotFoundError, 'Not Found'],
    [
      401,
      { detail: 'Invalid authentication credentials' },
      AuthenticationError,
      'Invalid authentication credentials',
    ],
    [402, { error: 'Insufficient credits' }, PaymentRequiredError, 'Insufficient credits'],
  ] as const)('%i %j', async (status, body, ErrorClass, text) => {
    api().get('/v2/user/custom_token/x/').reply(status, body);
    const error = await failure(client().get('x'));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.message).toBe(`${status} ${text} (GET /user/custom_token/x/)`);
    expect(error.body).toEqual(body);
  });
});

describe('non-JSON bodies', () => {
  it('names an HTML 502 page instead of pasting it', async () => {
    const html = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(5000)}</body></html>`;
    api().get('/v2/user/custom_token/').reply(502, html, { 'content-type': 'text/html' });
    const error = await failure(client().list());
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe('502 Bad Gateway (HTML error page) (GET /user/custom_token/)');
    expect(String(error.body).length).toBeLessThan(400);
  });

  it('keeps a short plain-text body, and falls back to the reason phrase when empty', async () => {
    api().get('/v2/user/custom_token/').reply(503, 'upstream overloaded');
    api().get('/v2/user/custom_token/a/').reply(500, '');
    expect((await failure(client().list())).message).toBe(
      '503 Service Unavailable: upstream overloaded (GET /user/custom_token/)',
    );
    expect((await failure(client().get('a'))).message).toBe(
      '500 Internal Server Error (GET /user/custom_token/a/)',
    );
  });
});

describe('bodies kept on errors are scrubbed', () => {
  it('drops token/secret fields and the API key from the body and the message', async () => {
    api()
      .get('/v2/user/custom_token/x/')
      .reply(409, {
        error: { type: 'conflict', message: `key ${API_KEY} clashes` },
        token: TOKEN_VALUE,
        nested: { client_secret: 'shh', token_type: 'api_token' },
      });
    const error = await failure(client().get('x'));
    expect(error.message).toBe('409 key [redacted] clashes (GET /user/custom_token/x/)');
    expect(error.body).toEqual({
      error: { type: 'conflict', message: 'key [redacted] clashes' },
      token: '[redacted]',
      nested: { client_secret: '[redacted]', token_type: 'api_token' },
    });
    const seen = `${error.message}${JSON.stringify(error)}`;
    expect(seen).not.toContain(API_KEY);
    expect(seen).not.toContain(TOKEN_VALUE);
  });
});

describe('response validation', () => {
  it('names the field that does not match', async () => {
    api()
      .get('/v2/user/custom_token/')
      .reply(200, [
        { name: 'ok', token_type: 'api_token', balance: 1 },
        { name: 'bad', token: TOKEN_VALUE, token_type: 'api_token', balance: 'lots' },
      ]);
    const error = await failure(client().list());
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe(
      '200 response body does not match the expected schema: [1].balance: expected a number, a decimal string or null (GET /user/custom_token/)',
    );
    expect((error as ResponseValidationError).issues).toEqual([
      { path: '[1].balance', message: 'expected a number, a decimal string or null' },
    ]);
    expect(JSON.stringify(error)).not.toContain(TOKEN_VALUE);
  });

  it('reports an unknown token type, a bad time and a missing name', async () => {
    api().get('/v2/user/custom_token/x/').reply(200, { token_type: 'root_token', expire_time: 'tomorrow' });
    const error = (await failure(client().get('x'))) as ResponseValidationError;
    expect(error.issues.map((i) => i.path).sort()).toEqual(['expire_time', 'name', 'token_type']);
  });

  it('rejects a 2xx body that is not JSON', async () => {
    api().get('/v2/user/custom_token/x/').reply(200, '<html>maintenance</html>');
    const error = await failure(client().get('x'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toBe('200 response body is not JSON (GET /user/custom_token/x/)');
  });
});
