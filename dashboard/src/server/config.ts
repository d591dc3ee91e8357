import { z } from 'zod';
import { LOCAL_GATEWAY_TOKEN } from '@iot/contracts/grpc';

/**
 * The dashboard's server-side settings, parsed from the environment once (on first use, so that
 * `next build` never needs them) into a frozen object. A bad value stops the request with an error
 * naming the variable.
 */
export interface DashboardConfig {
  /** host:port of the gRPC gateway (PipelineService). */
  readonly gatewayAddress: string;
  /** Bearer token for the gateway (GATEWAY_TOKEN; default: the local stack's). Server-side only. */
  readonly gatewayToken: string;
}

const DEFAULT_GATEWAY_ADDRESS = '127.0.0.1:50051';

/** host:port, where host is a name, an IPv4 address or a bracketed IPv6 address. */
const hostPort = z
  .string()
  .trim()
  .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):\d{1,5}$/, {
    message: 'must be host:port, e.g. 127.0.0.1:50051 or grpc-gateway:50051',
    abort: true,
  })
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be between 1 and 65535');

const envSchema = z.object({
  GATEWAY_ADDRESS: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? DEFAULT_GATEWAY_ADDRESS : value))
    .pipe(hostPort),
  GATEWAY_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? LOCAL_GATEWAY_TOKEN : value.trim())),
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses env into a config, or throws a ConfigError listing every bad variable. */
export function parseDashboardConfig(env: Record<string, string | undefined>): DashboardConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || 'environment';
      return `${variable}=${JSON.stringify(env[variable] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid dashboard configuration: ${problems.join('; ')}`);
  }
  return Object.freeze({ gatewayAddress: result.data.GATEWAY_ADDRESS, gatewayToken: result.data.GATEWAY_TOKEN });
}

let cached: DashboardConfig | undefined;
let reported = false;

/** The process's config, parsed from process.env on first call (a bad value is logged once). */
export function dashboardConfig(): DashboardConfig {
  if (cached === undefined) {
    try {
      cached = parseDashboardConfig(process.env);
    } catch (error) {
      if (!reported) {
        reported = true;
        console.error(error instanceof Error ? error.message : error);
      }
      throw error;
    }
  }
  return cached;
}
