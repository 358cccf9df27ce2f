import type { z } from 'zod';

/**
 * Checks a form's values with the API's own input schema: the input to send, or the first
 * message of each field, led by the field's label (the same rules the server applies).
 */
export function checkForm<S extends z.ZodType>(schema: S, values: unknown, labels: Record<string, string>) {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { input: parsed.data as z.output<S>, errors: null };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'input');
    errors[field] ??= `${labels[field] ?? field} ${issue.message}`;
  }
  return { input: null, errors };
}
