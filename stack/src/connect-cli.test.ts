import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConnectArgs, UsageError, USAGE } from './connect-cli.ts';
import {
  anyFailed,
  configChanges,
  type ConnectorOffsets,
  type ConnectorStatus,
  formatConnectorOffsets,
  formatConnectorStatus,
  hasSettled,
  isStable,
} from './connect.ts';

// Shapes as Kafka Connect 3.9 answers them.
const running: ConnectorStatus = {
  name: 'iot-alerts-sink',
  connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083' },
  tasks: [{ id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083' }],
  type: 'sink',
};

const failedTask: ConnectorStatus = {
  name: 'iot-window-counts-sink',
  connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083' },
  tasks: [
    {
      id: 1,
      state: 'FAILED',
      worker_id: '127.0.0.1:8083',
      trace: 'org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.\n\tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:636)\nCaused by: org.postgresql.util.PSQLException: ERROR: column "battery_level" does not exist\n',
    },
    { id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083' },
  ],
  type: 'sink',
};

const stopped: ConnectorStatus = { name: 'iot-devices-source', connector: { state: 'STOPPED', worker_id: '127.0.0.1:8083' }, tasks: [], type: 'source' };

describe('parseConnectArgs', () => {
  test('no command, help, --help and -h ask for the usage', () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) assert.deepEqual(parseConnectArgs(argv), { kind: 'help' });
  });

  test('each command with its name and flags', () => {
    assert.deepEqual(parseConnectArgs(['apply']), { kind: 'apply' });
    assert.deepEqual(parseConnectArgs(['status']), { kind: 'status', json: false });
    assert.deepEqual(parseConnectArgs(['status', '--json']), { kind: 'status', json: true });
    assert.deepEqual(parseConnectArgs(['status', 'iot-alerts-sink']), { kind: 'status', name: 'iot-alerts-sink', json: false });
    assert.deepEqual(parseConnectArgs(['status', '--json', 'iot-alerts-sink']), { kind: 'status', name: 'iot-alerts-sink', json: true });
    assert.deepEqual(parseConnectArgs(['restart', 'iot-alerts-sink']), { kind: 'restart', name: 'iot-alerts-sink', onlyFailed: false });
    assert.deepEqual(parseConnectArgs(['restart', 'iot-alerts-sink', '--failed-only']), { kind: 'restart', name: 'iot-alerts-sink', onlyFailed: true });
    assert.deepEqual(parseConnectArgs(['pause', 'x']), { kind: 'state', change: 'pause', name: 'x' });
    assert.deepEqual(parseConnectArgs(['resume', 'x']), { kind: 'state', change: 'resume', name: 'x' });
    assert.deepEqual(parseConnectArgs(['stop', 'x']), { kind: 'state', change: 'stop', name: 'x' });
    assert.deepEqual(parseConnectArgs(['offsets', 'x']), { kind: 'offsets', name: 'x', reset: false, json: false });
    assert.deepEqual(parseConnectArgs(['offsets', 'x', '--json']), { kind: 'offsets', name: 'x', reset: false, json: true });
    assert.deepEqual(parseConnectArgs(['offsets', '--reset', 'x']), { kind: 'offsets', name: 'x', reset: true, json: false });
  });

  test('wrong command lines are usage errors that say what is wrong', () => {
    const wrong = (argv: string[], message: RegExp) =>
      assert.throws(() => parseConnectArgs(argv), (error: unknown) => error instanceof UsageError && message.test(error.message));
    wrong(['bogus'], /unknown command "bogus"/);
    wrong(['pause'], /pause needs a connector name/);
    wrong(['restart', '--failed-only'], /restart needs a connector name/);
    wrong(['offsets', ''], /offsets needs a connector name/);
    wrong(['stop', 'a', 'b'], /stop takes one connector name, got 2: a b/);
    wrong(['apply', 'iot-alerts-sink'], /apply takes no connector name/);
    wrong(['apply', '--json'], /apply takes no options, got --json/);
    wrong(['pause', 'x', '--json'], /pause takes no options, got --json/);
    wrong(['status', '--failed-only'], /status does not know --failed-only \(only --json\)/);
    wrong(['restart', 'x', '--failed'], /restart does not know --failed \(only --failed-only\)/);
    wrong(['offsets', 'x', '--reset', '--json'], /--reset does not print JSON/);
  });
});

describe('formatConnectorStatus', () => {
  test('a running connector: type, state and worker, then each task', () => {
    assert.deepEqual(formatConnectorStatus(running), ['iot-alerts-sink (sink): RUNNING on 127.0.0.1:8083', '  task 0: RUNNING on 127.0.0.1:8083']);
  });

  test('a FAILED task comes with its whole trace, indented; tasks in id order', () => {
    const lines = formatConnectorStatus(failedTask);
    assert.equal(lines[0], 'iot-window-counts-sink (sink): RUNNING on 127.0.0.1:8083');
    assert.equal(lines[1], '  task 0: RUNNING on 127.0.0.1:8083');
    assert.equal(lines[2], '  task 1: FAILED on 127.0.0.1:8083');
    const trace = lines[3]!.split('\n');
    assert.equal(trace[0], '  task 1 trace:');
    assert.equal(trace.length, 4, 'every line of the trace, the trailing newline dropped');
    assert.equal(trace[1], '    org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.');
    assert.equal(trace[3], '    Caused by: org.postgresql.util.PSQLException: ERROR: column "battery_level" does not exist');
  });

  test('a stopped connector has no tasks; a failed connector shows its own trace; fields Connect may leave out', () => {
    assert.deepEqual(formatConnectorStatus(stopped), ['iot-devices-source (source): STOPPED on 127.0.0.1:8083', '  no tasks']);
    const failed: ConnectorStatus = { name: 'c', connector: { state: 'FAILED', trace: 'boom\n\tat X' }, tasks: [] };
    assert.deepEqual(formatConnectorStatus(failed), ['c: FAILED', '  connector trace:\n    boom\n    \tat X', '  no tasks']);
  });

  test('anyFailed: a FAILED connector or task (what makes `status` exit 1)', () => {
    assert.equal(anyFailed([running, stopped]), false);
    assert.equal(anyFailed([running, failedTask]), true);
    assert.equal(anyFailed([{ ...stopped, connector: { state: 'FAILED' } }]), true);
    assert.equal(anyFailed([]), false);
  });
});

describe('waiting for a state', () => {
  const paused: ConnectorStatus = { ...running, connector: { state: 'PAUSED' }, tasks: [{ id: 0, state: 'PAUSED' }] };

  test('hasSettled: the connector and its tasks in the target state; STOPPED means no tasks', () => {
    assert.equal(hasSettled(paused, 'PAUSED'), true);
    assert.equal(hasSettled({ ...paused, tasks: [{ id: 0, state: 'RUNNING' }] }, 'PAUSED'), false);
    assert.equal(hasSettled(running, 'PAUSED'), false);
    assert.equal(hasSettled(stopped, 'STOPPED'), true);
    assert.equal(hasSettled({ ...stopped, tasks: [{ id: 0, state: 'RUNNING' }] }, 'STOPPED'), false);
    assert.equal(hasSettled(running, 'RUNNING'), true);
    assert.equal(hasSettled({ ...running, tasks: [] }, 'RUNNING'), false, 'resumed from STOPPED: tasks not created yet');
    assert.equal(hasSettled({ ...running, tasks: [{ id: 0, state: 'UNASSIGNED' }] }, 'RUNNING'), false);
    assert.equal(hasSettled(failedTask, 'RUNNING'), true, 'a FAILED task is reported, not waited for');
  });

  test('isStable: nothing RESTARTING or UNASSIGNED', () => {
    assert.equal(isStable(running), true);
    assert.equal(isStable(failedTask), true);
    assert.equal(isStable({ ...running, connector: { state: 'RESTARTING' } }), false);
    assert.equal(isStable({ ...running, tasks: [{ id: 0, state: 'RESTARTING' }] }), false);
    assert.equal(isStable({ ...running, tasks: [{ id: 0, state: 'UNASSIGNED' }] }), false);
  });
});

describe('formatConnectorOffsets', () => {
  test('a sink: topic/partition → offset, sorted by topic and partition number', () => {
    const offsets: ConnectorOffsets = {
      offsets: [
        { partition: { kafka_partition: 10, kafka_topic: 'iot.alerts' }, offset: { kafka_offset: 3 } },
        { partition: { kafka_partition: 2, kafka_topic: 'iot.alerts' }, offset: { kafka_offset: 0 } },
        { partition: { kafka_partition: 0, kafka_topic: 'iot.a' }, offset: { kafka_offset: 12345 } },
      ],
    };
    assert.deepEqual(formatConnectorOffsets('iot-alerts-sink', offsets), [
      'iot-alerts-sink:',
      '  iot.a/0       → 12345',
      '  iot.alerts/2  → 0',
      '  iot.alerts/10 → 3',
    ]);
  });

  test("the Postgres source: its partition and offset maps as JSON", () => {
    const offsets: ConnectorOffsets = {
      offsets: [{ partition: { server: 'iot-cdc' }, offset: { lsn_proc: 45033976, lsn: 45033976, txId: 907, ts_usec: 1795444591608856 } }],
    };
    assert.deepEqual(formatConnectorOffsets('iot-devices-source', offsets), [
      'iot-devices-source:',
      '  partition {"server":"iot-cdc"}',
      '    offset {"lsn_proc":45033976,"lsn":45033976,"txId":907,"ts_usec":1795444591608856}',
    ]);
  });

  test('none yet (a new connector, or just after --reset), and a partition without an offset', () => {
    assert.deepEqual(formatConnectorOffsets('iot-alerts-sink', { offsets: [] }), ['iot-alerts-sink: no committed offsets']);
    assert.deepEqual(formatConnectorOffsets('s', { offsets: [{ partition: { server: 'x' }, offset: null }] }), ['s:', '  partition {"server":"x"}', '    offset none']);
  });
});

test('configChanges: the keys that differ, ignoring the name Connect adds', () => {
  const file = { 'connector.class': 'C', 'tasks.max': '1', topics: 'iot.alerts' };
  assert.deepEqual(configChanges({ ...file, name: 'iot-alerts-sink' }, file), []);
  assert.deepEqual(configChanges({ ...file, name: 'n', 'tasks.max': '2', 'errors.retry.timeout': '0' }, { ...file, 'delete.enabled': 'true' }), [
    'delete.enabled',
    'errors.retry.timeout',
    'tasks.max',
  ]);
});

test('the usage names every command and what a reset means for sinks and the source', () => {
  for (const command of ['apply', 'status [name]', 'restart <name>', '--failed-only', 'pause <name>', 'resume <name>', 'stop <name>', 'offsets <name>', '--reset', '--json']) {
    assert.ok(USAGE.includes(command), `usage mentions ${command}`);
  }
  assert.match(USAGE, /sink\s+this replays its topics from the beginning/);
  assert.match(USAGE, /Debezium Postgres source it means\s+a new initial snapshot/);
});

test('set takes a connector name and key=value pairs (values may contain "=")', () => {
  assert.deepEqual(parseConnectArgs(['set', 'iot-alerts-sink', 'connection.username=intruder', 'errors.tolerance=none']), {
    kind: 'set', name: 'iot-alerts-sink', values: { 'connection.username': 'intruder', 'errors.tolerance': 'none' },
  });
  assert.deepEqual(parseConnectArgs(['set', 'x', 'transforms.route.regex=a=b']), {
    kind: 'set', name: 'x', values: { 'transforms.route.regex': 'a=b' },
  });
  assert.throws(() => parseConnectArgs(['set', 'iot-alerts-sink']), /at least one key=value/);
  assert.throws(() => parseConnectArgs(['set', 'a=b']), /needs a connector name/);
  assert.throws(() => parseConnectArgs(['set', 'x', '=value']), /key=value pairs, got "=value"/);
});
