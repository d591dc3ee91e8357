import { AssignerProtocol, type Assignment, type GroupMember, type PartitionAssigner } from 'kafkajs';

export const CO_PARTITIONED_ASSIGNER = 'CoPartitioned';

/**
 * Who owns which partition number: members (sorted by id) take partition numbers in turn, and a
 * member owning number n owns partition n of EVERY subscribed topic. Pure, for tests.
 */
export function coPartitionedAssignment(memberIds: readonly string[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, Assignment> {
  const counts = new Set(partitionsPerTopic.values());
  if (counts.size > 1) {
    const listing = [...partitionsPerTopic].map(([topic, count]) => `${topic}: ${count}`).join(', ');
    throw new Error(`co-partitioned topics must have the same number of partitions (${listing})`);
  }
  const members = [...memberIds].sort();
  const assignments = new Map<string, Assignment>(members.map((id) => [id, Object.fromEntries([...partitionsPerTopic.keys()].map((topic) => [topic, [] as number[]]))]));
  const count = counts.values().next().value ?? 0;
  for (let partition = 0; partition < count; partition += 1) {
    const assignment = assignments.get(members[partition % members.length]!)!;
    for (const topic of partitionsPerTopic.keys()) assignment[topic]!.push(partition);
  }
  return assignments;
}

/**
 * A kafkajs partition assigner that keeps co-partitioned topics together, as Kafka Streams does
 * for a task's input topics: alert acknowledgements for a sensor land on the instance that
 * holds the sensor's alert state. (kafkajs's round-robin assigner spreads each topic on its
 * own and would split them as soon as the member count does not divide the partition count.)
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED_ASSIGNER,
  version: 1,
  async assign({ members, topics }: { members: GroupMember[]; topics: string[] }) {
    const partitionsPerTopic = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).length]));
    const assignments = coPartitionedAssignment(members.map((member) => member.memberId), partitionsPerTopic);
    return [...assignments].map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }: { topics: string[] }) {
    return { name: CO_PARTITIONED_ASSIGNER, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
