import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { coPartitionedAssignment } from './co-partitioned-assigner.ts';

test('partition n of every topic goes to the same member, and every partition to exactly one member', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 24 }), (members, partitions) => {
      const assignments = coPartitionedAssignment(members, new Map([['readings', partitions], ['acks', partitions]]));
      const owners = new Map<number, string>();
      for (const [member, assignment] of assignments) {
        assert.deepEqual(assignment.readings, assignment.acks, `${member}: same partitions of both topics`);
        for (const partition of assignment.readings!) {
          assert.ok(!owners.has(partition), `partition ${partition} has one owner`);
          owners.set(partition, member);
        }
      }
      assert.equal(owners.size, partitions);
      const sizes = [...assignments.values()].map((a) => a.readings!.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, 'balanced');
    }),
  );
});

test('refuses topics with different partition counts, naming them', () => {
  assert.throws(() => coPartitionedAssignment(['a'], new Map([['readings', 6], ['acks', 3]])), /same number of partitions \(readings: 6, acks: 3\)/);
});
