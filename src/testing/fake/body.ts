// Reads a JSON request body the way DRF's JSONParser does.
import { json } from './responses.js';

export type BodyResult = { ok: true; body: unknown } | { ok: false; response: Response };

export async function readJsonBody(request: Request): Promise<BodyResult> {
  const text = await request.text();
  if (text.trim() === '') return { ok: true, body: {} };
  const type = request.headers.get('content-type');
  if (type && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type))
    return { ok: false, response: json(415, { detail: `Unsupported media type "${type}" in request.` }) };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch (error) {
    return { ok: false, response: json(400, { detail: `JSON parse error - ${(error as Error).message}` }) };
  }
}
