import { AlertSystem } from '../src/alerts/alert-system.js';
import { MemoryStateStore } from '../src/state/memory.js';
import { registry } from './alerts.bench.js';
const view = registry();
const NOW = new Date('2024-05-15T08:00:00Z');
const sys = new AlertSystem({ registry: view, notifiers: [], state: new MemoryStateStore(), clock: () => NOW });
async function main() {
  for (let i = 0; i < 5; i++) await sys.check();
  const c0 = process.cpuUsage();
  for (let i = 0; i < 30; i++) await sys.check();
  const c = process.cpuUsage(c0);
  console.log('cpu per check', (c.user + c.system) / 1000 / 30);
}
main();
