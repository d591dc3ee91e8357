import type { ServerWritableStream } from '@grpc/grpc-js';

const MAX_FILTER_ENTRIES = 1000;

export class InvalidRequestError extends Error {}

/** A list filter: at most 1000 non-empty entries; an empty list does not filter (undefined). */
export function listFilter<T extends string>(field: string, values: readonly T[], allowed?: readonly T[]): Set<T> | undefined {
  if (values.length > MAX_FILTER_ENTRIES) throw new InvalidRequestError(`${field}: at most ${MAX_FILTER_ENTRIES} entries, got ${values.length}`);
  values.forEach((value, i) => {
    if (value.trim() === '') throw new InvalidRequestError(`${field}[${i}]: must not be empty`);
    if (allowed && !allowed.includes(value)) throw new InvalidRequestError(`${field}[${i}]: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  });
  return values.length > 0 ? new Set(values) : undefined;
}

export const passes = <T>(filter: Set<T> | undefined, value: T) => !filter || filter.has(value);

/** Validates a streaming request; on a bad one the call ends with INVALID_ARGUMENT and this answers undefined. */
export function validated<T>(call: ServerWritableStream<unknown, unknown>, validate: () => T): T | undefined {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    call.emit('error', { code: 3 /* INVALID_ARGUMENT */, details: error.message });
    return undefined;
  }
}
