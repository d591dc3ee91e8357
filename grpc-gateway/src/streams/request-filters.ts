import type { ServerWritableStream } from '@grpc/grpc-js';
import { checkStringList, invalidArgument, MAX_FILTER_ENTRIES, RpcError } from '../grpc-errors.ts';

/** A list filter: at most 1000 non-empty entries (of `allowed`, if given); an empty list does not filter (undefined). */
export function listFilter<T extends string>(field: string, values: readonly T[], allowed?: readonly T[]): Set<T> | undefined {
  checkStringList(field, values, MAX_FILTER_ENTRIES);
  values.forEach((value, i) => {
    if (allowed && !allowed.includes(value)) throw invalidArgument(`${field}[${i}]`, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  });
  return values.length > 0 ? new Set(values) : undefined;
}

export const passes = <T>(filter: Set<T> | undefined, value: T) => !filter || filter.has(value);

/** Validates a streaming request; on a bad one the call ends with the RpcError's status and this answers undefined. */
export function validated<T>(call: ServerWritableStream<unknown, unknown>, validate: () => T): T | undefined {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    call.emit('error', { code: error.code, details: error.message });
    return undefined;
  }
}
