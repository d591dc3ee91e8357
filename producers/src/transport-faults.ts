import type { SensorReading } from '@iot/contracts';

/**
 * The malformed records `--malformed-ratio` sends, named by the stream processor's rejection
 * kind (the `dlq.kind` header the DLQ record gets), each with a valid key (the sensor id):
 * - `bad-magic-byte`: the reading as JSON text, the classic "someone produced JSON" mistake;
 * - `undecodable`: the registry frame of the reading schema with a payload that is not Avro of it;
 * - `invalid-value`: a well-formed reading whose value is NaN.
 */
export const MALFORMED_KINDS = ['bad-magic-byte', 'undecodable', 'invalid-value'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** The header every malformed record carries, with its kind, so tests can find them. */
export const MALFORMED_HEADER = 'sim.malformed';

/** The value bytes of a malformed record of `kind` standing in for `reading`. */
export async function malformedValue(kind: MalformedKind, reading: SensorReading, valueSchemaId: number, encode: (reading: SensorReading) => Promise<Buffer>): Promise<Buffer> {
  switch (kind) {
    case 'bad-magic-byte':
      return Buffer.from(JSON.stringify(reading));
    case 'undecodable': {
      const header = Buffer.alloc(5);
      header.writeInt32BE(valueSchemaId, 1);
      // 0x02 starts a one-character sensorId, and then the record ends.
      return Buffer.concat([header, Buffer.from([0x02])]);
    }
    case 'invalid-value':
      return encode({ ...reading, value: Number.NaN });
  }
}

/** Throws naming the flag when a transport ratio is not in [0, 1]. */
export function checkTransportRatio(flag: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${flag}: expected a number from 0 to 1, got ${value}`);
}
