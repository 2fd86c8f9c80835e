// Shared bits of the Management API tests: a management key, nock setup that fails on any
// unmocked or unused request, and client options that never wait.

import { ManagementKeyClient, type ManagementKeyClientOptions } from 'edenai-token-manager';
import nock from 'nock';

export const V3 = 'https://api.edenai.run';
export const MGMT_KEY = 'mgmt-eden-test-0f9e8d7c6b5a';
/** Inference key values that must never leak. */
export const SECRET = 'sk-eden-live-TOPSECRET-0123456789';
export const SECRET2 = 'sk-eden-live-ROTATED-9876543210';
export const ID = '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f';
export const ID2 = '7d9e0f1a-2b3c-4d5e-8f6a-7b8c9d0e1f2a';

/** A ManagementKey wire body (Eden's shape: balance as a decimal string). */
export function wireKey(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ID,
    name: 'prod-web-app',
    token_type: 'api_token',
    member: 'ops@example.com',
    masked: 'sk-eden-live…6789',
    active_balance: true,
    balance: '25.000000000',
    balance_reset_period: 'none',
    balance_reset_amount: null,
    expire_time: null,
    revoked: false,
    revoked_at: null,
    ...overrides,
  };
}

/** The Management API as nock sees it, requiring the management key. */
export const api = (key = MGMT_KEY) => nock(V3).matchHeader('authorization', `Bearer ${key}`);

/** A client that never waits between retries. */
export function client(overrides: ManagementKeyClientOptions = {}): ManagementKeyClient {
  return new ManagementKeyClient({
    apiKey: MGMT_KEY,
    retryDelay: () => 0,
    ...overrides,
  });
}

export { type CapturedLog as LogLine, captureLogger, exposed, useNock } from '../helpers/wire.js';
