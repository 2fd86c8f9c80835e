// The tutorial's setup_environments.py, done declaratively: plan what differs, then apply it.
// Run twice and the second plan is empty. Against Eden AI with EDENAI_API_KEY (and
// EDENAI_TOKENS_KEY for the encrypted secret store); without it, on the built-in fake.
// Run: node --import tsx examples/setup-environments.ts
import { TokenRegistry } from 'edenai-token-manager';
import { connect, desired, environments } from './connect.js';

const { backend, secrets, clock, close } = await connect();
const registry = new TokenRegistry({
  backend,
  secrets,
  environments,
  clock,
});

try {
  const plan = await registry.plan(desired);
  if (plan.actions.length === 0) console.log('✓ Every environment already matches: nothing to do.');
  for (const env of Object.keys(desired)) {
    const actions = plan.actions.filter((a) => a.environment === env);
    if (actions.length === 0) continue;
    console.log(`Setting up ${env}...`);
    const result = await registry.apply({ actions });
    for (const r of result.results) {
      // A created token's value is already in the secret store: we print where, never what.
      console.log(
        r.ok
          ? `  ✓ ${r.action.type} ${r.action.name} → ${r.token?.secretRef}`
          : `  ✗ ${r.action.name}: ${r.error?.message}`,
      );
    }
    if (result.failed > 0) process.exitCode = 1;
  }
  if (!process.exitCode && plan.actions.length > 0) console.log('\n✅ All environments set up successfully!');
} finally {
  await close();
}
