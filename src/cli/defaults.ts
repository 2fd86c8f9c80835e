/**
 * The tutorial's environments, used when no config file is found, and by the demo.
 * dev: sandbox tokens, no limits; staging: modest budgets, 90-day expiry; prod: larger budgets,
 * expiry required.
 */
export const tutorialEnvironments = {
  dev: { tokenType: 'sandbox_api_token' },
  staging: { tokenType: 'api_token', budget: { default: 50, max: 100 }, expiry: { defaultDays: 90 } },
  prod: {
    tokenType: 'api_token',
    budget: { default: 500, max: 2000 },
    expiry: { required: true, defaultDays: 90, maxDays: 180 },
  },
} as const;

/** The tutorial's setup_environments.py, as a desired state for `plan` / `apply`. */
export const tutorialDesired = {
  dev: { 'web-app': {}, 'mobile-app': {}, testing: {} },
  staging: {
    'web-app': { budget: 50, expiresInDays: 90 },
    'mobile-app': { budget: 50, expiresInDays: 90 },
  },
  prod: {
    'web-app': { budget: 500, expiresInDays: 90 },
    'mobile-app': { budget: 500, expiresInDays: 90 },
    'api-gateway': { budget: 1000, expiresInDays: 90 },
  },
};

/** Where things live when the config file does not say. */
export const defaultPaths = {
  config: 'edenai-tokens.config.json',
  secrets: '.edenai-tokens/secrets.enc',
  state: '.edenai-tokens/state.json',
  fake: '.edenai-fake.json',
} as const;

/** Eden documents 10 requests per second per account: pace on the client, never retry into 429s. */
export const DEFAULT_REQUESTS_PER_SECOND = 10;
