import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { PipelineServiceClient as _iot_v1_PipelineServiceClient, PipelineServiceDefinition as _iot_v1_PipelineServiceDefinition } from './iot/v1/PipelineService.ts';
import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from './iot/v1/StreamPosition.ts';
import type { StreamWindowCountsRequest as _iot_v1_StreamWindowCountsRequest, StreamWindowCountsRequest__Output as _iot_v1_StreamWindowCountsRequest__Output } from './iot/v1/StreamWindowCountsRequest.ts';
import type { WindowCount as _iot_v1_WindowCount, WindowCount__Output as _iot_v1_WindowCount__Output } from './iot/v1/WindowCount.ts';
import type { WindowCountEvent as _iot_v1_WindowCountEvent, WindowCountEvent__Output as _iot_v1_WindowCountEvent__Output } from './iot/v1/WindowCountEvent.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  iot: {
    v1: {
      /**
       * Live views of the pipeline's results.
       */
      PipelineService: SubtypeConstructor<typeof grpc.Client, _iot_v1_PipelineServiceClient> & { service: _iot_v1_PipelineServiceDefinition }
      StreamPosition: MessageTypeDefinition<_iot_v1_StreamPosition, _iot_v1_StreamPosition__Output>
      StreamWindowCountsRequest: MessageTypeDefinition<_iot_v1_StreamWindowCountsRequest, _iot_v1_StreamWindowCountsRequest__Output>
      WindowCount: MessageTypeDefinition<_iot_v1_WindowCount, _iot_v1_WindowCount__Output>
      WindowCountEvent: MessageTypeDefinition<_iot_v1_WindowCountEvent, _iot_v1_WindowCountEvent__Output>
    }
  }
}

