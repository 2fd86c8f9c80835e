// The Lua scripts that make compare-and-set atomic: Redis runs a script without interleaving any
// other command, so "read the version, compare, write" cannot race. Each touches one key only,
// so they also run on Redis Cluster. Sent with EVALSHA (EVAL once when the server lacks it).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * KEYS[1] entry hash { v = version, d = JSON }. ARGV: mode ('any' | 'absent' | 'version'),
 * expected version, new version, JSON, TTL in ms ('' = none). Returns { 1, new } or { 0, current }.
 */
export const SET = `
local cur = redis.call('HGET', KEYS[1], 'v')
if (ARGV[1] == 'absent' and cur) or (ARGV[1] == 'version' and cur ~= ARGV[2]) then
  return {0, cur or ''}
end
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'd', ARGV[4])
if ARGV[5] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) else redis.call('PERSIST', KEYS[1]) end
return {1, ARGV[3]}
`;

/** KEYS[1]; ARGV[1] expected version ('' = any). Returns { 1, deleted count } or { 0, current }. */
export const DELETE = `
local cur = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] ~= '' and cur ~= ARGV[1] then return {0, cur or ''} end
return {1, redis.call('DEL', KEYS[1])}
`;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const SHAS = new Map([SET, DELETE].map((script) => [script, sha1(script)]));

/** Runs `script` on one key: EVALSHA, falling back to EVAL when the script cache lacks it. */
export async function runScript(
  redis: Redis,
  script: string,
  key: string,
  args: (string | number)[],
): Promise<[number, string | number]> {
  try {
    return (await redis.evalsha(SHAS.get(script)!, 1, key, ...args)) as [number, string | number];
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return (await redis.eval(script, 1, key, ...args)) as [number, string | number];
  }
}
