// The smallest useful Worker: a client and a registry. Its bundle size is the one the docs quote.
import { CustomTokenClient, MemorySecretStore, TokenRegistry } from 'edenai-token-manager';

export default {
  async fetch(_request, env) {
    const registry = new TokenRegistry({
      backend: new CustomTokenClient({ apiKey: env.EDENAI_API_KEY }),
      secrets: new MemorySecretStore(),
      environments: { prod: { tokenType: 'api_token' } },
    });
    return Response.json(await registry.list());
  },
};
