import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { ConfigurationError } from '../core/errors.js';
import type { SecretEntry } from './cas.js';
import type { Codec, EntriesDoc } from './file-io.js';

type Kdf = { name: 'raw' } | { name: 'scrypt'; salt: string; N: number; r: number; p: number };

const FORMAT = 'edenai-token-manager/secrets@1';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };

/**
 * The encrypted file format. The whole document (keys, values, metadata) is one AES-256-GCM
 * ciphertext, so not even token names leak; the header (format, KDF parameters, random salt) is
 * authenticated as associated data. A key-check value tells "wrong key" apart from "corrupted".
 *
 * `{ format, kdf: { name: 'scrypt', salt, N, r, p } | { name: 'raw' }, check, iv, tag, data }`
 */
export class SecretsCodec implements Codec<EntriesDoc<SecretEntry>> {
  /** The KDF header of the file as last read: kept on rewrite so the derived key stays cached. */
  #kdf: Kdf | undefined;
  #keys = new Map<string, Promise<{ enc: Buffer; check: Buffer }>>();

  readonly #key: string | Buffer;
  /** The file, for messages. */
  readonly #path: string;

  constructor(key: string | Buffer, path: string) {
    this.#key = key;
    this.#path = path;
  }

  async encode({ rev, entries }: EntriesDoc<SecretEntry>): Promise<Uint8Array> {
    const passphrase = typeof this.#key === 'string';
    if (!this.#kdf || (this.#kdf.name === 'scrypt') !== passphrase) {
      this.#kdf = passphrase
        ? { name: 'scrypt', salt: randomBytes(16).toString('base64'), ...SCRYPT }
        : { name: 'raw' };
    }
    const { enc, check } = await this.keysFor(this.#kdf);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', enc, iv).setAAD(aad(this.#kdf));
    const plain = JSON.stringify({ rev, entries: Object.fromEntries(entries) });
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const envelope = {
      format: FORMAT,
      kdf: this.#kdf,
      check: check.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    return Buffer.from(`${JSON.stringify(envelope)}\n`);
  }

  async decode(bytes: Buffer): Promise<EntriesDoc<SecretEntry>> {
    const file = this.#path;
    const corrupted = (why: string) =>
      new ConfigurationError(`Cannot read secrets file ${file}: it is corrupted (${why})`);
    let env: Record<string, unknown>;
    try {
      env = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw corrupted('not valid JSON');
    }
    if (env?.format !== FORMAT) {
      throw new ConfigurationError(
        `${file} is not an edenai-token-manager secrets file (expected "${FORMAT}")`,
      );
    }
    const kdf = parseKdf(env.kdf);
    const [check, iv, tag, data] = [env.check, env.iv, env.tag, env.data].map((v) =>
      typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.alloc(0),
    ) as [Buffer, Buffer, Buffer, Buffer];
    if (!kdf || check.length !== 16 || iv.length !== 12 || tag.length !== 16) throw corrupted('bad header');
    if ((kdf.name === 'scrypt') !== (typeof this.#key === 'string')) {
      throw new ConfigurationError(
        `Cannot decrypt ${file}: it was encrypted with ${kdf.name === 'scrypt' ? 'a passphrase, but a 32-byte key' : 'a 32-byte key, but a passphrase'} was given`,
      );
    }
    const keys = await this.keysFor(kdf);
    if (!timingSafeEqual(keys.check, check)) {
      throw new ConfigurationError(
        `Cannot decrypt ${file}: wrong key? It does not match the key the file was written with`,
      );
    }
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.enc, iv).setAAD(aad(kdf)).setAuthTag(tag);
      plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw corrupted('authentication failed: the file was damaged or modified');
    }
    const doc = JSON.parse(plain) as { rev?: unknown; entries?: Record<string, Partial<SecretEntry>> };
    if (typeof doc.rev !== 'number' || typeof doc.entries !== 'object' || doc.entries === null) {
      throw corrupted('missing "rev" or "entries"');
    }
    const entries = new Map<string, SecretEntry>();
    for (const [key, e] of Object.entries(doc.entries)) {
      if (typeof e?.value !== 'string' || typeof e.version !== 'string') throw corrupted('malformed entry');
      entries.set(key, { value: e.value, version: e.version, metadata: e.metadata });
    }
    this.#kdf = kdf;
    return { rev: doc.rev, entries };
  }

  /** Drops derived keys from memory. */
  forget(): void {
    this.#keys.clear();
  }

  /** The encryption key and key-check value, derived once per salt (scrypt is slow on purpose). */
  private keysFor(kdf: Kdf): Promise<{ enc: Buffer; check: Buffer }> {
    const id = kdf.name === 'scrypt' ? `${kdf.salt}:${kdf.N}:${kdf.r}:${kdf.p}` : 'raw';
    let keys = this.#keys.get(id);
    if (!keys) {
      keys = masterKey(this.#key, kdf).then((master) => ({
        enc: createHmac('sha256', master).update('edenai-token-manager/aes-256-gcm').digest(),
        check: createHmac('sha256', master).update('edenai-token-manager/key-check').digest().subarray(0, 16),
      }));
      this.#keys.clear(); // one file, one salt: keep only the current one
      this.#keys.set(id, keys);
      keys.catch(() => this.#keys.delete(id));
    }
    return keys;
  }
}

function masterKey(key: string | Buffer, kdf: Kdf): Promise<Buffer> {
  if (kdf.name === 'raw') return Promise.resolve(key as Buffer);
  const { N, r, p } = kdf;
  return new Promise((resolve, reject) =>
    scrypt(
      key,
      Buffer.from(kdf.salt, 'base64'),
      32,
      { N, r, p, maxmem: 256 * N * r * p },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    ),
  );
}

/** Reads KDF parameters from a file, bounded so a hostile file cannot make us allocate gigabytes. */
function parseKdf(value: unknown): Kdf | undefined {
  const kdf = value as Partial<Record<string, unknown>> | undefined;
  if (kdf?.name === 'raw') return { name: 'raw' };
  const { salt, N, r, p } = kdf ?? {};
  const ok =
    kdf?.name === 'scrypt' &&
    typeof salt === 'string' &&
    salt.length > 0 &&
    Number.isInteger(N) &&
    Number.isInteger(r) &&
    Number.isInteger(p) &&
    (N as number) >= 1024 &&
    (N as number) <= 2 ** 20 &&
    ((N as number) & ((N as number) - 1)) === 0 &&
    (r as number) >= 1 &&
    (r as number) <= 16 &&
    (p as number) >= 1 &&
    (p as number) <= 4;
  return ok ? { name: 'scrypt', salt, N: N as number, r: r as number, p: p as number } : undefined;
}

/** The header bound into the ciphertext: swapping salt or parameters breaks decryption. */
const aad = (kdf: Kdf) => Buffer.from(JSON.stringify([FORMAT, kdf]));
