// Raw HTTP helpers for the fake's tests (there is no SDK client here on purpose: these tests pin
// the wire format itself).

import type { FakeEdenAI, FakeEdenAIOptions } from 'edenai-token-manager/testing';
import { createFakeEdenAI } from 'edenai-token-manager/testing';

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, the raw text when not JSON, `undefined` when empty. */
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field
  body: any;
  text: string;
}

export type Transport = 'http' | 'in-process';

/** A fake plus a caller that goes over real HTTP or through `fake.fetch`. */
export async function setup(transport: Transport, options: FakeEdenAIOptions = {}) {
  const fake = await createFakeEdenAI({ listen: transport === 'http', ...options });
  const doFetch: typeof fetch = transport === 'http' ? fetch : fake.fetch;
  const call = (method: string, path: string, body?: unknown, init: RequestInit = {}) =>
    request(doFetch, fake, method, path, body, init);
  return { fake, call };
}

export async function request(
  doFetch: typeof fetch,
  fake: FakeEdenAI,
  method: string,
  path: string,
  body?: unknown,
  init: RequestInit = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${fake.apiKey}`);
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const res = await doFetch(`${fake.baseUrl}${path}`, {
    ...init,
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A settable clock. */
export function manualClock(start: string) {
  let now = new Date(start);
  return {
    clock: () => new Date(now.getTime()),
    set: (iso: string) => {
      now = new Date(iso);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export const tokenPath = (name: string) => `/user/custom_token/${encodeURIComponent(name)}/`;
