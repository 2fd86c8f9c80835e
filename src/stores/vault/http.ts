// One request path to Vault's HTTP API, apart from the Eden request core: every status means
// something different here (404 = absent, 400 = CAS mismatch, 503 = sealed), and a bare `fetch`
// option is the easiest thing for users to swap (proxies, custom TLS). Writes are not retried: a
// retried compare-and-set whose first answer was lost would conflict with itself.
import {
  APIConnectionError,
  APITimeoutError,
  ConfigurationError,
  errorClassForStatus,
  InternalServerError,
  PermissionDeniedError,
} from '../../core/errors.js';
import type { ResolvedVaultOptions } from './options.js';

export interface VaultResponse {
  status: number;
  /** Parsed JSON body, or `undefined` (204, or not JSON). */
  body: unknown;
}

export type Method = 'GET' | 'POST' | 'PUT';

export class VaultHttp {
  constructor(private readonly o: ResolvedVaultOptions) {}

  /** Sends one request to `/v1/{path}`; network failures and timeouts throw, HTTP errors do not. */
  async send(method: Method, path: string, body?: unknown): Promise<VaultResponse> {
    const token = await this.o.token();
    if (typeof token !== 'string' || token === '')
      throw new ConfigurationError('VaultKvStore: the `token` function returned no token');
    const headers: Record<string, string> = { 'X-Vault-Token': token, 'X-Vault-Request': 'true' };
    if (this.o.namespace) headers['X-Vault-Namespace'] = this.o.namespace;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.o.fetch(`${this.o.address}/v1/${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      const Class = timedOut ? APITimeoutError : APIConnectionError;
      const why = timedOut ? `no answer within ${this.o.timeoutMs} ms` : `cannot reach ${this.o.address}`;
      throw new Class(`Vault request failed: ${why}`, { method, path: `/v1/${path}`, cause: error });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  }

  /** The error for an answer the caller did not expect; never contains the token. */
  async error(method: Method, path: string, res: VaultResponse): Promise<Error> {
    const token = await Promise.resolve(this.o.token()).catch(() => '');
    const errors = (res.body as { errors?: unknown } | undefined)?.errors;
    let text = Array.isArray(errors) ? errors.filter((e) => typeof e === 'string').join('; ') : '';
    if (token) text = text.split(token).join('[redacted]'); // belt and braces: Vault never echoes it
    const init = { status: res.status, method, path: `/v1/${path}`, body: res.body };
    if (res.status === 403)
      return new PermissionDeniedError(
        `Vault denied the request${text ? ` (${text})` : ''}: check that the token is valid and its policy allows this path`,
        init,
      );
    if (res.status === 503 && /sealed/i.test(text))
      return new InternalServerError('Vault is sealed: unseal it (vault operator unseal) and retry', init);
    const Class = errorClassForStatus(res.status);
    return new Class(`Vault answered an error${text ? `: ${text}` : ''}`, init);
  }
}
