// Eden's answer shapes. Three different error bodies coexist (see API-RESEARCH §1.4):
// 400 `{"error":{"type","message":{field:[…]}}}`, 404 `{"details":"Not Found"}`, DRF's `{"detail":…}`.
import { STATUS_CODES } from 'node:http';
import type { FieldErrors } from './fields.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS,
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

export function notFound(): Response {
  return json(404, { details: 'Not Found' });
}

export function validationError(errors: FieldErrors): Response {
  return json(400, { error: { type: 'validation_error', message: errors } });
}

export function unauthorized(): Response {
  return json(401, { detail: 'Invalid authentication credentials' }, { 'www-authenticate': 'Bearer' });
}

export function methodNotAllowed(method: string, allowed: readonly string[]): Response {
  return json(405, { detail: `Method "${method}" not allowed.` }, { allow: allowed.join(', ') });
}

/** DRF's throttled answer. */
export function throttled(retryAfterSeconds: number): Response {
  const unit = retryAfterSeconds === 1 ? 'second' : 'seconds';
  return json(
    429,
    { detail: `Request was throttled. Expected available in ${retryAfterSeconds} ${unit}.` },
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** An nginx-style HTML error page, what a gateway in front of Eden sends. */
export function htmlPage(status: number): Response {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return new Response(body, { status, headers: { 'content-type': 'text/html' } });
}

/** An answer with the given status; the body defaults to DRF's `{"detail": reason phrase}`. */
export function statusAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204 || status === 304) return new Response(null, { status, headers });
  if (typeof body === 'string')
    return new Response(body, { status, headers: { 'content-type': 'text/plain', ...headers } });
  return json(status, body === undefined ? { detail: STATUS_CODES[status] ?? 'Error' } : body, headers);
}

export function internalError(): Response {
  return json(500, { error: { type: 'api_error', message: 'Internal server error' } });
}
