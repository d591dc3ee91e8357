import type * as grpc from '@grpc/grpc-js';
import { fromJSON, type Options } from '@grpc/proto-loader';
import descriptor from './generated/pipeline.descriptor.json' with { type: 'json' };
import type { ProtoGrpcType } from './generated/pipeline.ts';

export type { ProtoGrpcType } from './generated/pipeline.ts';
export { LOCAL_GATEWAY_TOKEN } from './gateway-auth.ts';
// Every iot.v1 message type; the three that share a name with an Avro type get a Message suffix.
export type * from './generated/iot/v1/AckAlertRequest.ts';
export type * from './generated/iot/v1/AckAlertResponse.ts';
export type { Alert as AlertMessage, Alert__Output as AlertMessageOutput } from './generated/iot/v1/Alert.ts';
export type * from './generated/iot/v1/AlertEvent.ts';
export type * from './generated/iot/v1/AlertRemoved.ts';
export type * from './generated/iot/v1/AlertRule.ts';
export type * from './generated/iot/v1/AlertSeverity.ts';
export type * from './generated/iot/v1/AlertState.ts';
export type * from './generated/iot/v1/BrokerHealth.ts';
export type * from './generated/iot/v1/ConnectorHealth.ts';
export type * from './generated/iot/v1/ConnectorState.ts';
export type * from './generated/iot/v1/ConnectorTaskHealth.ts';
export type * from './generated/iot/v1/ConsumerGroupMember.ts';
export type * from './generated/iot/v1/ConsumerGroupState.ts';
export type * from './generated/iot/v1/GatewayFeed.ts';
export type * from './generated/iot/v1/GatewayHealth.ts';
export type * from './generated/iot/v1/GetPipelineHealthRequest.ts';
export type * from './generated/iot/v1/GetPipelineHealthResponse.ts';
export type * from './generated/iot/v1/GetWindowCountsRequest.ts';
export type * from './generated/iot/v1/GetWindowCountsResponse.ts';
export type * from './generated/iot/v1/HealthStatus.ts';
export type * from './generated/iot/v1/Heartbeat.ts';
export type * from './generated/iot/v1/IngestReadingsRequest.ts';
export type * from './generated/iot/v1/IngestReadingsResponse.ts';
export type * from './generated/iot/v1/IngestRejection.ts';
export type * from './generated/iot/v1/KafkaBroker.ts';
export type * from './generated/iot/v1/KafkaConnectHealth.ts';
export type * from './generated/iot/v1/ListSensorsRequest.ts';
export type * from './generated/iot/v1/ListSensorsResponse.ts';
export type * from './generated/iot/v1/PartitionLag.ts';
export type * from './generated/iot/v1/PipelineService.ts';
export type * from './generated/iot/v1/ReadingEvent.ts';
export type * from './generated/iot/v1/SchemaRegistryHealth.ts';
export type * from './generated/iot/v1/Sensor.ts';
export type { SensorReading as SensorReadingMessage, SensorReading__Output as SensorReadingMessageOutput } from './generated/iot/v1/SensorReading.ts';
export type * from './generated/iot/v1/SnapshotComplete.ts';
export type * from './generated/iot/v1/StreamAlertsRequest.ts';
export type * from './generated/iot/v1/StreamPosition.ts';
export type * from './generated/iot/v1/StreamProcessorHealth.ts';
export type * from './generated/iot/v1/StreamReadingsRequest.ts';
export type * from './generated/iot/v1/StreamWindowCountsRequest.ts';
export type * from './generated/iot/v1/TopicFreshness.ts';
export type * from './generated/iot/v1/TopicLag.ts';
export type * from './generated/iot/v1/TopicPartitions.ts';
export type { WindowCount as WindowCountMessage, WindowCount__Output as WindowCountMessageOutput } from './generated/iot/v1/WindowCount.ts';
export type * from './generated/iot/v1/WindowCountEvent.ts';

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
