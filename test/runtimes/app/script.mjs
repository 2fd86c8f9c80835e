// Bun and Deno: the scenario with the fake in-process, then listening on 127.0.0.1.
import { scenario } from './scenario.mjs';

console.log(JSON.stringify({ inProcess: await scenario(), listening: await scenario({ listen: true }) }));
