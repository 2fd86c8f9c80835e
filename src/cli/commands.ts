// Every command's metadata: its arguments, options, help text and where its code lives. Enough for
// parsing and help without loading any command (or the SDK): implementations load on demand.
import { type CliError, usageError } from './errors.js';
import type { CommandSpec, OptionSpec } from './spec.js';
import { closest } from './values.js';

export type { CommandContext, CommandRun, CommandSpec, GlobalFlags, OptionSpec } from './spec.js';
export { globalOptions } from './spec.js';

const environment: OptionSpec = { type: 'string', value: 'env', description: 'only this environment' };
const prune: OptionSpec = {
  type: 'boolean',
  description: 'also delete managed tokens of the listed environments that the config no longer lists',
};
const refill: OptionSpec = {
  type: 'boolean',
  description: "reset every stated budget's balance to the budget",
};
const verbose: OptionSpec = {
  type: 'boolean',
  short: 'v',
  description: 'every detail of each item (migration steps…), not one line each',
};

/** Every command, in the order `--help` lists them. */

export const commands: CommandSpec[] = [
  {
    name: 'list',
    summary: 'list tokens grouped by environment (unmanaged tokens last)',
    options: { environment },
    examples: ['edenai-tokens list', 'edenai-tokens list --environment prod --json'],
    load: async () => (await import('./tokens.js')).list,
  },
  {
    name: 'get',
    summary: "show one token: budget, expiry, generations, its secret's fingerprint",
    args: [{ name: 'name', required: true, description: 'logical name, e.g. prod-web-app' }],
    examples: ['edenai-tokens get prod-web-app', 'edenai-tokens get prod-web-app --json'],
    load: async () => (await import('./tokens.js')).get,
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
        description: "expiry in whole days, e.g. 90d or 2w (default: the policy's)",
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
    load: async () => (await import('./tokens.js')).create,
  },
  {
    name: 'update',
    summary: "change a token's budget or expiry (within its policy)",
    args: [{ name: 'name', required: true, description: 'logical name' }],
    options: {
      budget: { type: 'string', value: 'usd', description: 'set the remaining budget to this amount' },
      'top-up': { type: 'string', value: 'usd', description: 'add this amount to the remaining budget' },
      extend: { type: 'string', value: 'days', description: 'push the expiry back, in whole days, e.g. 30d' },
    },
    examples: [
      'edenai-tokens update staging-web-app --top-up 20',
      'edenai-tokens update prod-api-gateway --extend 30d',
    ],
    load: async () => (await import('./tokens.js')).update,
  },
  {
    name: 'delete',
    summary: 'revoke a token: every live generation and its secret-store entry',
    args: [{ name: 'name', required: true, description: 'logical name' }],
    options: {
      yes: {
        type: 'boolean',
        short: 'y',
        description: 'do not ask for confirmation (required when stdin is not a terminal)',
      },
    },
    details: ['Asks for confirmation on a terminal; scripts pass --yes.'],
    examples: ['edenai-tokens delete dev-testing', 'edenai-tokens delete dev-testing --yes --json'],
    load: async () => (await import('./tokens.js')).remove,
  },
  {
    name: 'rotate',
    summary: 'rotate one token, or every token expiring soon (zero downtime, crash-safe)',
    args: [{ name: 'name', description: 'logical name; or use --expiring-within' }],
    options: {
      'expiring-within': {
        type: 'string',
        value: 'days',
        description: 'rotate every managed token expiring within this many days, e.g. 7d',
      },
      environment,
      'dry-run': { type: 'boolean', description: 'list what would rotate, change nothing' },
      concurrency: { type: 'string', value: 'n', description: 'tokens rotated at once (default 4)' },
      verbose,
    },
    details: [
      'The old generation keeps a small part of the remaining budget for the grace period; the',
      'total is never raised. Run `finalize` after the grace period to revoke old generations.',
      'A bulk run prints one line per token and a summary; --verbose adds the migration steps.',
    ],
    examples: [
      'edenai-tokens rotate prod-web-app',
      'edenai-tokens rotate --expiring-within 7d --dry-run',
      '0 2 * * *  edenai-tokens rotate --expiring-within 7d --json >> /var/log/token-rotation.log 2>&1',
    ],
    load: async () => (await import('./rotation.js')).rotate,
  },
  {
    name: 'resume',
    summary: 'resume rotations interrupted by a crash or a lost response',
    examples: ['edenai-tokens resume'],
    load: async () => (await import('./rotation.js')).resume,
  },
  {
    name: 'finalize',
    summary: 'end grace periods that are over: revoke old generations, return their budget',
    options: { force: { type: 'boolean', description: 'finalize now, even before the grace period ends' } },
    examples: ['edenai-tokens finalize', 'edenai-tokens finalize --force'],
    load: async () => (await import('./rotation.js')).finalize,
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
    load: async () => (await import('./reports.js')).health,
  },
  {
    name: 'usage',
    summary: 'usage and cost per environment (default: the last 30 days)',
    options: {
      from: { type: 'string', value: 'YYYY-MM-DD', description: 'first day, inclusive' },
      to: { type: 'string', value: 'YYYY-MM-DD', description: 'last day, inclusive (default today)' },
      format: {
        type: 'string',
        value: 'fmt',
        description: 'text (default), json, csv, md or html (--json is --format json)',
      },
    },
    examples: [
      'edenai-tokens usage',
      'edenai-tokens usage --from 2024-01-01 --to 2024-01-31 --format csv > january.csv',
    ],
    load: async () => (await import('./reports.js')).usage,
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
    load: async () => (await import('./plan.js')).plan,
  },
  {
    name: 'apply',
    summary: 'create, update (and with --prune delete) tokens to match a config file',
    args: [{ name: 'config', description: 'file with { environments, desired } (default: --config)' }],
    options: {
      prune,
      refill,
      concurrency: { type: 'string', value: 'n', description: 'actions run at once (default 4)' },
      verbose,
    },
    details: ['Prints the plan, then the failures and a summary; --verbose adds one line per action.'],
    examples: ['edenai-tokens apply environments.json', 'edenai-tokens --fake apply environments.json'],
    load: async () => (await import('./plan.js')).apply,
  },
  {
    name: 'leaked',
    summary: 'a key leaked: revoke it at once, store a new value, alert, and say what services must do',
    args: [{ name: 'name', description: 'logical name; or use --value-from-stdin' }],
    options: {
      'value-from-stdin': {
        type: 'boolean',
        description:
          'find the token whose stored value is the one on stdin (compared locally, never printed)',
      },
    },
    details: [
      'Rotates with no grace period: services still using the leaked value get 401 errors until they',
      'reload the new one. Sends a critical alert to the configured notifiers and writes the audit',
      'trail (EDENAI_AUDIT_FILE, default ./.edenai-audit.jsonl). See docs/if-a-key-leaks.md.',
    ],
    examples: [
      'edenai-tokens leaked prod-web-app --reason "pasted in a public issue"',
      'pbpaste | edenai-tokens leaked --value-from-stdin --reason "found by gitleaks in CI"',
    ],
    load: async () => (await import('./leaked.js')).leaked,
  },
  {
    name: 'audit',
    summary: 'check an audit file’s hash chain (verify <file>), or list its entries (show)',
    args: [
      { name: 'action', required: true, description: 'verify or show' },
      { name: 'file', description: 'the audit file to verify (default: --file, EDENAI_AUDIT_FILE)' },
    ],
    options: {
      token: { type: 'string', value: 'name', description: 'show: only this logical token' },
      since: { type: 'string', value: 'day', description: 'show: from this day (YYYY-MM-DD) or 7d ago' },
      file: {
        type: 'string',
        value: 'path',
        description: 'the audit file (default EDENAI_AUDIT_FILE, else ./.edenai-audit.jsonl)',
      },
    },
    details: [
      '`verify` says which entry was edited, removed or reordered, and exits 9 when the chain is',
      'broken; a torn last line (a crash mid-write) is reported but is no failure.',
    ],
    examples: [
      'edenai-tokens audit verify /var/log/edenai/audit.jsonl',
      'edenai-tokens audit show --token prod-web-app --since 30d --json',
    ],
    load: async () => (await import('./audit.js')).audit,
  },
  {
    name: 'reconcile',
    summary: 'one idempotent pass for schedulers: resume, apply the config, rotate, finalize, alerts',
    options: {
      within: {
        type: 'string',
        value: 'days',
        description: 'rotate tokens expiring within this many days (default 7d)',
      },
      prune,
    },
    details: [
      'Runs every step a scheduled job needs; a second run in a row changes nothing, and a copy',
      'that starts while another holds the lease (in the state store) does nothing. Exit 0: all',
      'good; 9: done, with warning or critical alerts; 6: some work failed; 3 or 7: could not run.',
    ],
    examples: [
      'edenai-tokens reconcile',
      'edenai-tokens --config fleet.json reconcile --within 14d --prune --json',
    ],
    load: async () => (await import('./reconcile.js')).reconcileCommand,
  },
  {
    name: 'doctor',
    summary:
      'what the configured keys can do at Eden AI (v2 tokens, v3 scopes, cost, credits), and what to change',
    details: [
      "Read-only: lists tokens or keys, reads today's costs and the credits, and asks the v3 API which",
      'scopes the management key has; it changes nothing. Every key set is tried (EDENAI_API_KEY,',
      'EDENAI_MANAGEMENT_KEY), and the verdict says which API the registry should use',
      '(docs/moving-to-v3.md). Exit 0: all good; 9: token management works, an optional check',
      '(cost, credits) failed; 3: token management is refused or not set up on the API in use;',
      '7: Eden AI could not be reached.',
    ],
    examples: ['edenai-tokens doctor', 'edenai-tokens --api v3 doctor --json'],
    load: async () => (await import('./doctor.js')).doctor,
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
    load: async () => (await import('./demo/command.js')).demo,
  },
  {
    name: 'help',
    summary: 'help for every command, or for the one named',
    args: [{ name: 'command', description: 'a command name, e.g. rotate' }],
    examples: ['edenai-tokens help', 'edenai-tokens help rotate'],
    // The table is handed over, so help.ts never imports this file back.
    load: async () => {
      const { help } = await import('./help.js');
      return (ctx) => help(ctx, commands, findCommand, unknownCommand);
    },
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}

/** A usage error for a name that is no command: the likely one, else the list. */
export function unknownCommand(name: string): CliError {
  const names = commands.map((c) => c.name);
  const near = closest(name, names);
  return usageError(
    near
      ? `Unknown command "${name}": did you mean "${near}"?`
      : `Unknown command "${name}". Commands: ${names.join(', ')}`,
  );
}
