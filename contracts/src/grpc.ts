import type * as grpc from '@grpc/grpc-js';
import { fromJSON, type Options } from '@grpc/proto-loader';
import descriptor from './generated/pipeline.descriptor.json' with { type: 'json' };
import type { ProtoGrpcType } from './generated/pipeline.ts';

export type { ProtoGrpcType } from './generated/pipeline.ts';
export type { WindowCount as WindowCountMessage, WindowCount__Output as WindowCountMessageOutput } from './generated/iot/v1/WindowCount.ts';
export type { WindowCountEvent, WindowCountEvent__Output } from './generated/iot/v1/WindowCountEvent.ts';
export type { StreamPosition, StreamPosition__Output } from './generated/iot/v1/StreamPosition.ts';
export type {
  StreamWindowCountsRequest,
  StreamWindowCountsRequest__Output,
} from './generated/iot/v1/StreamWindowCountsRequest.ts';
export type { PipelineServiceClient, PipelineServiceHandlers } from './generated/iot/v1/PipelineService.ts';

/** Options the generated types were made with (scripts/gen.mjs); servers and clients must load with the same. */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The iot.v1 package, ready for grpc.loadPackageDefinition. */
export function loadPipelineProto(grpcLib: typeof grpc): ProtoGrpcType {
  // The JSON import's inferred literal type is narrower than protobufjs' INamespace union.
  const definition = fromJSON(descriptor as Parameters<typeof fromJSON>[0], PROTO_LOADER_OPTIONS);
  return grpcLib.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}
