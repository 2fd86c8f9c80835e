import type { ResolvedOptions } from '../http/options.js';
import { type Call, RequestCore } from '../http/request-core.js';
import { explainManagementError } from './errors.js';

/**
 * The shared v2 request pipeline (auth, pacing, timeouts, retries, validation, redaction) with
 * the Management API's error explanations on top.
 */
export class ManagementCore {
  readonly #core: RequestCore;
  readonly #inferenceKey: boolean;

  constructor(options: ResolvedOptions) {
    this.#core = new RequestCore(options);
    this.#inferenceKey = options.apiKey.startsWith('sk-eden-');
  }

  async request<T>(call: Call<T>): Promise<T> {
    try {
      return await this.#core.request(call);
    } catch (error) {
      throw explainManagementError(error, this.#inferenceKey);
    }
  }
}
