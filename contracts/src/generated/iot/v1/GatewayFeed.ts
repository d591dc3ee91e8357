// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A topic the gateway holds in memory for one streaming method.
 */
export interface GatewayFeed {
  /**
   * The streaming method it serves, e.g. "StreamReadings".
   */
  'stream'?: (string);
  'topic'?: (string);
  /**
   * Open calls of that method.
   */
  'subscribers'?: (number);
  /**
   * The records the topic had when the gateway started have all been read (until then the
   * stream's calls wait).
   */
  'loaded'?: (boolean);
  /**
   * Loaded, and it has read at least up to where the topic ended at the gateway's previous
   * offset sample (a few seconds ago), or is at the end now: it keeps up.
   */
  'caughtUp'?: (boolean);
  /**
   * Records between where it has read and the topic's end now (summed over partitions);
   * unset when the end offsets could not be read.
   */
  'recordsBehind'?: (number | string | Long);
  '_recordsBehind'?: "recordsBehind";
}

/**
 * A topic the gateway holds in memory for one streaming method.
 */
export interface GatewayFeed__Output {
  /**
   * The streaming method it serves, e.g. "StreamReadings".
   */
  'stream': (string);
  'topic': (string);
  /**
   * Open calls of that method.
   */
  'subscribers': (number);
  /**
   * The records the topic had when the gateway started have all been read (until then the
   * stream's calls wait).
   */
  'loaded': (boolean);
  /**
   * Loaded, and it has read at least up to where the topic ended at the gateway's previous
   * offset sample (a few seconds ago), or is at the end now: it keeps up.
   */
  'caughtUp': (boolean);
  /**
   * Records between where it has read and the topic's end now (summed over partitions);
   * unset when the end offsets could not be read.
   */
  'recordsBehind'?: (number);
  '_recordsBehind'?: "recordsBehind";
}
