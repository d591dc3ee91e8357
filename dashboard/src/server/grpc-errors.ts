import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * The one place where errors from gRPC calls become text (for the browser) and HTTP statuses.
 * Everything is caught as `unknown` and normalised here.
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

function singleLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAILS_LENGTH ? `${flat.slice(0, MAX_DETAILS_LENGTH - 1)}…` : flat;
}

/** Describes any error thrown by or emitted from a gRPC call. */
export function describeGrpcError(error: unknown): DescribedGrpcError {
  const code = grpcCodeOf(error);
  if (code === undefined) {
    // Not from gRPC (e.g. a ConfigError raised before the call): name the error's class instead.
    const text = error instanceof Error ? `${error.name}: ${error.message}` : `UNKNOWN: ${String(error)}`;
    return { code: 'UNKNOWN', message: singleLine(text), retriable: true, httpStatus: 502 };
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
