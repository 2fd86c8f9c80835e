import type { CommandSpec, OptionSpec } from './spec.js';

/** Options every command accepts (listed once in `--help`). */
export const globalOptions: Record<string, OptionSpec> = {
  config: {
    type: 'string',
    value: 'path',
    description: 'config file (.json, .js or .mjs); default ./edenai-tokens.config.json if present',
  },
  api: {
    type: 'string',
    value: 'v2|v3',
    description: 'v2: custom tokens (default); v3: the Management API (keys by id, a management key)',
  },
  fake: {
    type: 'boolean',
    description: 'use the built-in fake Eden AI; its state persists in local files across runs',
  },
  'fake-file': {
    type: 'string',
    value: 'path',
    description: 'where --fake keeps the fake server state (default ./.edenai-fake.json)',
  },
  json: { type: 'boolean', description: 'machine-readable JSON on stdout (stable keys)' },
  'no-color': {
    type: 'boolean',
    description: 'no colours (also: NO_COLOR=1; colours need a terminal anyway)',
  },
  debug: { type: 'boolean', description: 'print stack traces with errors' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', description: 'print the version' },
};

const environment: OptionSpec = { type: 'string', value: 'env', description: 'only this environment' };
const prune: OptionSpec = {
  type: 'boolean',
  description: 'also delete managed tokens of the listed environments that the config no longer lists',
};
const refill: OptionSpec = {
  type: 'boolean',
  description: "reset every stated budget's balance to the budget",
};

/** Every command, in the order `--help` lists them. Implementations load on demand. */
export const commands: CommandSpec[] = [
  {
    name: 'list',
    summary: 'list tokens grouped by environment (unmanaged tokens last)',
    options: { environment },
    examples: ['edenai-tokens list', 'edenai-tokens list --environment prod --json'],
    load: () => import('./commands/list.js'),
  },
  {
    name: 'get',
    summary: "show one token: budget, expiry, generations, its secret's fingerprint",
    args: [{ name: 'name', required: true, description: 'logical name, e.g. prod-web-app' }],
    examples: ['edenai-tokens get prod-web-app', 'edenai-tokens get prod-web-app --json'],
    load: () => import('./commands/get.js'),
  },
  {
    name: 'create',
    summary: 'create {env}-{app} under its environment policy; the value goes to the secret store',
    args: [
      { name: 'env', required: true, description: 'a declared environment (dev, staging, prod…)' },
      { name: 'app', required: true, description: 'application name, e.g. web-app' },
    ],
    options: {
      budget: { type: 'string', value: 'usd', description: "budget in USD (default: the policy's)" },
      'expires-in': {
        type: 'string',
        value: 'days',
        description: "expiry, e.g. 90d (default: the policy's)",
      },
      'reset-period': {
        type: 'string',
        value: 'period',
        description: 'budget refill period: none, daily, weekly, monthly',
      },
    },
    details: ['The token value is never printed: it is written to the secret store, shown by its secretRef.'],
    examples: [
      'edenai-tokens create prod web-app --budget 500 --expires-in 90d',
      'edenai-tokens create dev testing',
    ],
    load: () => import('./commands/create.js'),
  },
  {
    name: 'update',
    summary: "change a token's budget or expiry (within its policy)",
    args: [{ name: 'name', required: true, description: 'logical name' }],
    options: {
      budget: { type: 'string', value: 'usd', description: 'set the remaining budget to this amount' },
      'top-up': { type: 'string', value: 'usd', description: 'add this amount to the remaining budget' },
      extend: { type: 'string', value: 'days', description: 'push the expiry back, e.g. 30d' },
    },
    examples: [
      'edenai-tokens update staging-web-app --top-up 20',
      'edenai-tokens update prod-api-gateway --extend 30d',
    ],
    load: () => import('./commands/update.js'),
  },
  {
    name: 'delete',
    summary: 'revoke a token: every live generation and its secret-store entry',
    args: [{ name: 'name', required: true, description: 'logical name' }],
    examples: ['edenai-tokens delete dev-testing'],
    load: () => import('./commands/delete.js'),
  },
  {
    name: 'rotate',
    summary: 'rotate one token, or every token expiring soon (zero downtime, crash-safe)',
    args: [{ name: 'name', description: 'logical name; or use --expiring-within' }],
    options: {
      'expiring-within': {
        type: 'string',
        value: 'days',
        description: 'rotate every managed token expiring within this long, e.g. 7d',
      },
      environment,
      'dry-run': { type: 'boolean', description: 'list what would rotate, change nothing' },
      concurrency: { type: 'string', value: 'n', description: 'tokens rotated at once (default 4)' },
    },
    details: [
      'The old generation keeps a small part of the remaining budget for the grace period; the',
      'total is never raised. Run `finalize` after the grace period to revoke old generations.',
    ],
    examples: [
      'edenai-tokens rotate prod-web-app',
      'edenai-tokens rotate --expiring-within 7d --dry-run',
      '0 2 * * *  edenai-tokens rotate --expiring-within 7d --json >> /var/log/token-rotation.log 2>&1',
    ],
    load: () => import('./commands/rotate.js'),
  },
  {
    name: 'resume',
    summary: 'resume rotations interrupted by a crash or a lost response',
    examples: ['edenai-tokens resume'],
    load: () => import('./commands/resume.js'),
  },
  {
    name: 'finalize',
    summary: 'end grace periods that are over: revoke old generations, return their budget',
    options: { force: { type: 'boolean', description: 'finalize now, even before the grace period ends' } },
    examples: ['edenai-tokens finalize', 'edenai-tokens finalize --force'],
    load: () => import('./commands/finalize.js'),
  },
  {
    name: 'health',
    summary: 'health report: expiring tokens, low balances, failed rotations; sends new alerts',
    options: {
      'fail-on': {
        type: 'string',
        value: 'severity',
        description: 'exit 9 when an alert is at least this severe: warning or critical',
      },
    },
    examples: ['edenai-tokens health', 'edenai-tokens health --fail-on critical --json'],
    load: () => import('./commands/health.js'),
  },
  {
    name: 'usage',
    summary: 'usage and cost per environment (default: the last 30 days)',
    options: {
      from: { type: 'string', value: 'YYYY-MM-DD', description: 'first day, inclusive' },
      to: { type: 'string', value: 'YYYY-MM-DD', description: 'last day, inclusive (default today)' },
      format: { type: 'string', value: 'fmt', description: 'text (default), json, csv, md or html' },
    },
    examples: [
      'edenai-tokens usage',
      'edenai-tokens usage --from 2024-01-01 --to 2024-01-31 --format csv > january.csv',
    ],
    load: () => import('./commands/usage.js'),
  },
  {
    name: 'plan',
    summary: 'show what `apply` would change to match a config file; changes nothing',
    args: [{ name: 'config', description: 'file with { environments, desired } (default: --config)' }],
    options: { prune, refill },
    details: [
      'The file has the --config format: { environments, desired } (JSON, or a .js/.mjs module',
      'exporting it). Its fields override the --config file for this run.',
    ],
    examples: ['edenai-tokens plan environments.json', 'edenai-tokens plan environments.mjs --prune --json'],
    load: () => import('./commands/plan.js'),
  },
  {
    name: 'apply',
    summary: 'create, update (and with --prune delete) tokens to match a config file',
    args: [{ name: 'config', description: 'file with { environments, desired } (default: --config)' }],
    options: {
      prune,
      refill,
      concurrency: { type: 'string', value: 'n', description: 'actions run at once (default 4)' },
    },
    examples: ['edenai-tokens apply environments.json', 'edenai-tokens --fake apply environments.json'],
    load: () => import('./commands/apply.js'),
  },
  {
    name: 'demo',
    summary: "the tutorial's story in a few seconds, on an in-process fake (no API key, no files)",
    options: {
      keep: {
        type: 'boolean',
        description: 'keep the final state in the --fake files, to explore with `--fake list` after',
      },
    },
    examples: ['edenai-tokens demo', 'edenai-tokens demo --keep && edenai-tokens --fake list'],
    load: () => import('./demo/index.js'),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}
