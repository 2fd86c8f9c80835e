// `edenai-tokens doctor`: what the configured keys can do at Eden AI — v2 token management, the v3
// management key and its scopes, cost reports and credits — and what to change. Read-only.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type ClientOptions,
  CostClient,
  CustomTokenClient,
  type DiagnoseOptions,
  type Diagnosis,
  type DiagnosisApi,
  type DiagnosisCheck,
  diagnose,
  ManagementKeyClient,
  type ManagementKeyClientOptions,
} from '../index-node.js';
import { createFakeEdenAI } from '../testing/index.js';
import { MANAGEMENT_KEY_ENV } from '../v3/core.js';
import { type CliConfig, loadConfig } from './config.js';
import { ExitCode } from './errors.js';
import type { Style } from './output.js';
import { fakeFileOf, fakeFiles, realClientOptions } from './runtime.js';
import type { CommandContext } from './spec.js';

const LABELS: Record<DiagnosisApi, string> = {
  'v2-tokens': 'v2 token management',
  'v2-cost': 'v2 cost reports',
  'v2-credits': 'v2 credits',
  'v3-scopes': 'v3 management key',
  'v3-keys': 'v3 key listing',
  'v3-usage': 'v3 usage reports',
};

function clientsOf(
  v2: ClientOptions | undefined,
  v3: ManagementKeyClientOptions | undefined,
): DiagnoseOptions {
  return {
    ...(v2 && { tokens: new CustomTokenClient(v2), costs: new CostClient(v2) }),
    ...(v3 && { management: new ManagementKeyClient(v3) }),
  };
}

/**
 * Every client a key is set for, whichever API the registry uses: the point is to learn what each
 * key can do. Built like the runtime's (keys from the environment only, one shared pace), but a
 * missing key is a skipped check here, not an error.
 */
async function openClients(
  ctx: CommandContext,
  config: CliConfig,
): Promise<{ clients: DiagnoseOptions; close(): Promise<void> }> {
  if (ctx.global.fake) {
    const files = fakeFiles(fakeFileOf(ctx));
    mkdirSync(dirname(files.server), { recursive: true });
    const fake = await createFakeEdenAI({ listen: false, stateFile: files.server });
    return {
      clients: clientsOf({ ...fake.clientOptions }, { ...fake.managementClientOptions }),
      close: () => fake.close(),
    };
  }
  const options = realClientOptions(config);
  const apiKey = ctx.env['EDENAI_API_KEY'];
  const managementKey = ctx.env[MANAGEMENT_KEY_ENV];
  return {
    clients: clientsOf(
      apiKey ? options.v2(apiKey) : undefined,
      managementKey ? options.v3(managementKey) : undefined,
    ),
    close: async () => {},
  };
}

function mark(c: DiagnosisCheck, style: Style): string {
  if (c.status === 'ok') return style.green('✓');
  if (c.status === 'skipped') return style.dim('–');
  return c.role === 'required' ? style.red('✗') : style.yellow('✗');
}

function verdict(d: Diagnosis, style: Style): string {
  if (d.status === 'ok') return style.green(`✓ Everything the registry uses on ${d.api} works`);
  if (d.status === 'warnings')
    return style.yellow(`✓ Token management works on ${d.api}; an optional check failed (see the fixes)`);
  const other = d.recommendedApi;
  return style.red(
    other
      ? `✗ Token management does not work on ${d.api}, but it does on ${other}: use --api ${other} (or the config's api.version)`
      : `✗ Token management works on neither API with these keys (see the fixes)`,
  );
}

/**
 * One line per check — the API in use first, then the other one (to help choose) — the fixes, then
 * the verdict. Never a key or a value: the diagnosis holds none.
 */
export function renderDiagnosis(d: Diagnosis, style: Style): string {
  const width = Math.max(...d.checks.map((c) => LABELS[c.api].length));
  const line = (c: DiagnosisCheck) => `${mark(c, style)} ${LABELS[c.api].padEnd(width)}  ${c.detail}`;
  const other = d.api === 'v2' ? 'v3' : 'v2';
  const lines = [
    style.bold(`For a registry on ${d.api}:`),
    ...d.checks.filter((c) => c.role !== 'unused').map(line),
    '',
    style.bold(`The other API, ${other} (not used now):`),
    ...d.checks.filter((c) => c.role === 'unused').map(line),
  ];
  const fixes = d.checks.filter((c) => c.fix);
  if (fixes.length > 0) {
    lines.push('', style.bold('To fix:'));
    for (const c of fixes) lines.push(`  ${LABELS[c.api]}: ${c.fix}`);
  }
  lines.push('', style.bold(verdict(d, style)));
  return lines.join('\n');
}

/**
 * 0: all good; 9: token management works, an optional check failed; 7: token management could not
 * be checked (network, 5xx); 3: it is refused, missing a scope or not configured.
 */
export function doctorExitCode(d: Diagnosis): number {
  if (d.status === 'ok') return ExitCode.ok;
  if (d.status === 'warnings') return ExitCode.unhealthy;
  const required = d.checks.filter((c) => c.role === 'required' && c.status !== 'ok');
  return required.every((c) => c.status === 'error') ? ExitCode.api : ExitCode.config;
}

/** `edenai-tokens doctor`. */
export async function doctor(ctx: CommandContext): Promise<number> {
  const config = await loadConfig(ctx.global.config, ctx.cwd);
  const api = ctx.global.api ?? config.api.version ?? 'v2';
  const { clients, close } = await openClients(ctx, config);
  try {
    const diagnosis = await diagnose({ ...clients, api });
    ctx.out.data(diagnosis);
    ctx.out.block(renderDiagnosis(diagnosis, ctx.out.style));
    return doctorExitCode(diagnosis);
  } finally {
    await close();
  }
}
