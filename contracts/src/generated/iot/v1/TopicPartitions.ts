// Original file: contracts/proto/iot/v1/pipeline.proto


export interface TopicPartitions {
  'topic'?: (string);
  'partitions'?: (number)[];
}

export interface TopicPartitions__Output {
  'topic': (string);
  'partitions': (number)[];
}
