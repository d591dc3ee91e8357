import { z } from 'zod';

/** Thrown when env vars fail validation; the message lists every bad variable at once. */
export class ConfigError extends Error {
  constructor(service: string, issues: readonly string[]) {
    super(`${service}: invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses env vars once at start-up into a frozen typed object. The schema's keys are the
 * env var names; defaults work for the local stack.
 */
export function parseEnv<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      service,
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        const item = issue.path.length > 1 ? ` (item ${issue.path.slice(1).join('.')})` : '';
        return `${name}=${JSON.stringify(env[name] ?? null)}${item}: ${issue.message}`;
      }),
    );
  }
  return Object.freeze(result.data);
}

/** Env var helpers with the checks every service needs. */
export const envVar = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  /** A port where 0 turns the listener off (metrics). */
  portOrOff: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  url: (fallback: string) => z.url().default(fallback),
  /** Comma-separated host:port list. */
  brokers: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port')).min(1)),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
