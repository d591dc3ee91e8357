import { z } from 'zod';

/** Query-string filters of the relayed stream routes (pure): shapes shared by /api/alerts/stream and /api/readings/stream. */

export const MAX_FILTER_VALUES = 100;
export const identifier = z.string().trim().min(1, 'must not be empty').max(128, 'at most 128 characters');

/** Repeated (`?severity=WARNING&severity=CRITICAL`) or comma-separated (`?severity=WARNING,CRITICAL`). */
export const listOf = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .array(z.string())
    .transform((values) => values.flatMap((value) => value.split(',')).filter((value) => value.trim() !== ''))
    .pipe(z.array(item).max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`));

/** Parses a query with a strict object schema of lists: every problem in one message, or the filters. */
export function parseQueryFilters<S extends z.ZodObject>(
  schema: S,
  params: URLSearchParams,
): { ok: true; filters: z.output<S> } | { ok: false; message: string } {
  const raw: Record<string, string[]> = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, []]));
  for (const [name, value] of params) (raw[name] ??= []).push(value);
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, filters: result.data };
  const problems = result.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys' ? `unknown query parameter ${issue.keys.join(', ')}` : `${issue.path.join('.') || 'query'}: ${issue.message}`,
  );
  return { ok: false, message: problems.join('; ') };
}

/** Filters as a query string for an EventSource URL ('' when none). */
export function filtersQuery(filters: Readonly<Record<string, readonly string[]>>): string {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(filters)) for (const value of values) params.append(name, value);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
