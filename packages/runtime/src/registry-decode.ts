import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

/** Why schema-registry-framed bytes cannot be decoded: the record's fault, never the registry's. */
export type FrameRejectionKind = 'bad-magic-byte' | 'unknown-schema' | 'undecodable';

export type FramedParts = { ok: true; values: unknown[] } | { ok: false; kind: FrameRejectionKind; reason: string };

const MAGIC_BYTE = 0;

/**
 * Decodes Confluent-framed Avro parts of one record (magic byte 0, 4-byte schema id, Avro), in
 * order: every part's framing first, then that the registry knows every schema id, then the Avro
 * itself. A problem with the bytes is answered as a rejection naming the part; an unreachable or
 * failing registry is not the record's fault and throws, so the caller retries.
 */
export async function decodeFramedParts(registry: SchemaRegistry, parts: ReadonlyArray<readonly [part: string, bytes: Buffer]>): Promise<FramedParts> {
  for (const [part, bytes] of parts) {
    if (bytes.length < 5) return { ok: false, kind: 'undecodable', reason: `${part} is ${bytes.length} bytes, too short for a schema registry frame (magic byte + 4-byte schema id)` };
    if (bytes[0] !== MAGIC_BYTE) return { ok: false, kind: 'bad-magic-byte', reason: `${part} starts with byte 0x${bytes[0]!.toString(16).padStart(2, '0')}, not the schema registry magic byte 0x00` };
  }
  for (const [part, bytes] of parts) {
    const schemaId = bytes.readInt32BE(1);
    try {
      await registry.getSchema(schemaId);
    } catch (error) {
      // Only "not found" is the record's fault; an unreachable registry is ours: throw, and retry.
      if ((error as { status?: number }).status !== 404) throw error;
      return { ok: false, kind: 'unknown-schema', reason: `${part} schema id ${schemaId} is not in the schema registry` };
    }
  }
  const values: unknown[] = [];
  for (const [part, bytes] of parts) {
    try {
      values.push(await registry.decode(bytes)); // the schema is cached by now: a failure is the bytes'
    } catch (error) {
      return { ok: false, kind: 'undecodable', reason: `${part} does not decode with its schema: ${(error as Error).message}` };
    }
  }
  return { ok: true, values };
}
