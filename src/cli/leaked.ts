// `edenai-tokens leaked <name>` and `leaked --value-from-stdin`: the emergency response to a
// leaked value. With --value-from-stdin, the value is compared with every managed token's stored
// value on this machine (it is never sent anywhere, never printed: only its fingerprint is).
import { type LeakResponse, Secret } from '../index-node.js';
import { CliError, cliWording, ExitCode, usageError } from './errors.js';
import { buildNotifiers, checkSecrets, openRotations, type Runtime, withRuntime } from './runtime.js';
import type { CommandContext } from './spec.js';

/** Reads the whole of stdin as one value, without its final newline. */
async function readValue(ctx: CommandContext): Promise<Secret> {
  let text = '';
  for await (const chunk of ctx.stdin) text += String(chunk);
  const value = text.replace(/\r?\n$/, '').trim();
  if (value === '') throw usageError('--value-from-stdin read nothing: pipe the leaked value in');
  return new Secret(value);
}

/** The managed token whose stored value is `leaked`, compared locally by value digest. */
async function ownerOf(rt: Runtime, leaked: Secret): Promise<string> {
  for (const t of await rt.registry.list()) {
    const stored = await rt.secrets.get(t.secretRef);
    if (stored?.value.equals(leaked)) return t.name;
  }
  throw new CliError(
    `The value (fingerprint ${leaked.fingerprint}) is no managed token's current value: it may be an old generation's (already revoked), another account's, or not an Eden AI key`,
    ExitCode.notFound,
    'not_found',
  );
}

function leakView(r: LeakResponse) {
  return {
    name: r.name,
    environment: r.environment,
    revoked: r.revoked,
    newTokenName: r.newTokenName,
    rotationId: r.rotation.rotationId,
    alert: { id: r.alert.id, severity: r.alert.severity, message: r.alert.message },
    notifierFailures: r.notifierFailures.map((f) => ({ notifier: f.notifier, message: f.error.message })),
    actions: r.actions,
  };
}

export async function leaked(ctx: CommandContext): Promise<number> {
  const fromStdin = Boolean(ctx.options['value-from-stdin']);
  const named = ctx.args[0];
  if (fromStdin === (named !== undefined))
    throw usageError('Give the token name, or --value-from-stdin (not both)');
  const leakedValue = fromStdin ? await readValue(ctx) : undefined;
  return withRuntime(ctx, async (rt) => {
    await checkSecrets(rt, ctx.cwd);
    const name = leakedValue ? await ownerOf(rt, leakedValue) : named!;
    const { style } = ctx.out;
    if (leakedValue) ctx.out.note(`The value (fingerprint ${leakedValue.fingerprint}) is ${name}'s.`);
    const result = await openRotations(rt).respondToLeak(name, {
      reason: ctx.global.reason ?? 'reported leaked with edenai-tokens leaked',
      notifiers: buildNotifiers(rt.config.notifiers, ctx.env, ctx.out),
      ...(leakedValue ? { fingerprint: leakedValue.fingerprint } : {}),
    });
    ctx.out.data(leakView(result));
    ctx.out.line(
      `${style.green('✓')} ${style.bold(name)}: ${result.revoked.join(', ')} revoked; ${result.newTokenName} holds the new value`,
    );
    ctx.out.line(`${style.red('!')} What services must do now:`);
    for (const a of result.actions) ctx.out.line(`  - ${cliWording(a)}`);
    for (const f of result.notifierFailures)
      ctx.out.line(`${style.red('✗')} notifier ${f.notifier} failed: ${f.error.message}`);
    return result.notifierFailures.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
