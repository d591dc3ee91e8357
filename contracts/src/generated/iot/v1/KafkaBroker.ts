// Original file: contracts/proto/iot/v1/pipeline.proto


export interface KafkaBroker {
  'nodeId'?: (number);
  'host'?: (string);
  'port'?: (number);
}

export interface KafkaBroker__Output {
  'nodeId': (number);
  'host': (string);
  'port': (number);
}
