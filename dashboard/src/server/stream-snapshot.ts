// Server-only: the snapshot of one of the gateway's server streams, for a page's first render.
import type { CallOptions, ClientReadableStream } from '@grpc/grpc-js';
import type { GatewayStreamMessage } from './gateway-sse-relay.ts';
import { describeGrpcError } from './grpc-errors.ts';

export type StreamSnapshot<T> =
  | { readonly ok: true; readonly records: T[]; readonly takenAtMs: number }
  | { readonly ok: false; readonly message: string };

/**
 * Opens the call, keeps its snapshot records and cancels it at snapshot_complete. The page renders
 * them, then goes live with its own subscription (whose snapshot replaces this one), so nothing
 * between the two is missed or counted twice. Gives up after `timeoutMs` (the call's deadline):
 * the page then says it is connecting.
 */
export function streamSnapshot<M extends GatewayStreamMessage, T>(
  open: (options: CallOptions) => ClientReadableStream<M>,
  toRecord: (message: M) => T | null,
  timeoutMs: number,
): Promise<StreamSnapshot<T>> {
  return new Promise((resolve) => {
    let call: ClientReadableStream<M>;
    try {
      call = open({ deadline: Date.now() + timeoutMs });
    } catch (error) {
      resolve({ ok: false, message: describeGrpcError(error).message });
      return;
    }
    const records: T[] = [];
    let done = false;
    const settle = (result: StreamSnapshot<T>): void => {
      if (done) return;
      done = true;
      call.cancel();
      resolve(result);
    };
    call.on('data', (message: M) => {
      if (message.snapshotComplete) {
        settle({ ok: true, records, takenAtMs: Date.now() });
      } else if (message.snapshot) {
        const record = toRecord(message);
        if (record !== null) records.push(record);
      }
    });
    call.on('error', (error: unknown) => settle({ ok: false, message: describeGrpcError(error).message }));
    call.on('end', () => settle({ ok: false, message: 'ENDED: the gateway closed the stream before its snapshot was complete' }));
  });
}
