// The SDK's schemas use zod/mini: its functions tree-shake, where classic zod's methods cannot, so a
// Worker bundles only the validation it uses. zod/mini loads no locale, and issues become error
// messages: they are written in English, whatever the app's own zod config.
import { en } from 'zod/locales';
import * as z from 'zod/mini';

const ENGLISH = { error: en().localeError };

/** `schema.safeParse(input)`, with English issue messages. */
export function safeParse<T>(schema: z.core.$ZodType<T>, input: unknown) {
  return z.safeParse(schema, input, ENGLISH);
}
