// A Cloudflare Worker (module syntax) that runs the scenario on each request.
import { scenario } from './scenario.mjs';

export default {
  async fetch() {
    return Response.json(await scenario());
  },
};
