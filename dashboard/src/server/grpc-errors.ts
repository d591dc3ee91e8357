import { status as GrpcStatus } from '@grpc/grpc-js';
import { ConfigError, dashboardConfig } from './config.ts';

/**
 * The one place where errors from gRPC calls become text (for the browser) and HTTP statuses.
 * Everything is caught as `unknown` and normalised here. The text never carries the gateway's
 * address (grpc-js puts it in connection errors) nor configuration values: those stay in the
 * dashboard's own log.
 */
export interface DescribedGrpcError {
  /** The gRPC status code name, e.g. "UNAVAILABLE"; "UNKNOWN" for non-gRPC errors. */
  readonly code: string;
  /** A short, single-line, human-readable explanation. */
  readonly message: string;
  /** Whether trying again later (e.g. EventSource's automatic reconnect) may help. */
  readonly retriable: boolean;
  /** The HTTP status that best matches, for routes answering with a status instead of a stream. */
  readonly httpStatus: number;
}

const RETRIABLE = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNKNOWN,
  GrpcStatus.CANCELLED,
]);

const HTTP_STATUS: Partial<Record<number, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 429,
  [GrpcStatus.CANCELLED]: 499,
  [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DEADLINE_EXCEEDED]: 504,
};

const MAX_DETAILS_LENGTH = 300;

function grpcCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'number' && GrpcStatus[code] !== undefined ? code : undefined;
}

/** The configured gateway address, if the configuration parses (it may be what failed). */
function configuredAddress(): string | undefined {
  try {
    return dashboardConfig().gatewayAddress;
  } catch {
    return undefined;
  }
}

/**
 * Removes network addresses from text meant for the browser: the configured gateway address and
 * its host, grpc-js target names (`dns:host:port`, `ipv4:…`), and IPv4/IPv6 literals with or without a port.
 */
export function redactAddresses(text: string, gatewayAddress = configuredAddress()): string {
  let redacted = text;
  if (gatewayAddress !== undefined) {
    const host = gatewayAddress.slice(0, gatewayAddress.lastIndexOf(':'));
    for (const literal of [gatewayAddress, host].filter((value) => value.length > 0)) redacted = redacted.split(literal).join('<gateway>');
  }
  return redacted
    .replace(/\b(?:dns|ipv4|ipv6|unix):[^\s,;()]+/g, '<gateway>')
    .replace(/\[[0-9A-Fa-f:.]+\](?::\d+)?/g, '<address>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>');
}

function singleLine(text: string): string {
  const flat = redactAddresses(text).replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAILS_LENGTH ? `${flat.slice(0, MAX_DETAILS_LENGTH - 1)}…` : flat;
}

/** Describes any error thrown by or emitted from a gRPC call. */
export function describeGrpcError(error: unknown): DescribedGrpcError {
  const code = grpcCodeOf(error);
  if (code === undefined) {
    // Not from gRPC (e.g. a ConfigError raised before the call): its text may hold configuration
    // values, so the browser gets the kind only and the log gets the rest.
    if (error instanceof ConfigError) {
      return { code: 'UNKNOWN', message: "ConfigError: the dashboard's configuration is invalid (its log names the variable)", retriable: true, httpStatus: 500 };
    }
    console.error('dashboard: unexpected error around a gateway call:', error);
    const kind = error instanceof Error ? error.name : 'UNKNOWN';
    return { code: 'UNKNOWN', message: `${kind}: unexpected error in the dashboard (see its log)`, retriable: true, httpStatus: 502 };
  }
  const name = GrpcStatus[code] ?? 'UNKNOWN';
  const details = (error as { details?: unknown }).details;
  const text = typeof details === 'string' && details !== '' ? details : 'no details';
  return {
    code: name,
    message: singleLine(`${name}: ${text}`),
    retriable: RETRIABLE.has(code),
    httpStatus: HTTP_STATUS[code] ?? 502,
  };
}
