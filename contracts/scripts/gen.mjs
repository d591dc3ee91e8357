// Generates the TypeScript types for the gRPC contract from proto/ into src/generated/.
// It also writes the parsed contract as a JSON descriptor, so services and the Next.js
// server load it with a plain JSON import instead of reading .proto files at run time.
// Run after changing a .proto file: `npm run gen`. The output is committed, and a test
// checks that it is up to date.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(root, 'src', 'generated');
rmSync(outDir, { recursive: true, force: true });
execFileSync(
  join(root, '..', 'node_modules', '.bin', 'proto-loader-gen-types'),
  [
    '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments',
    '--grpcLib=@grpc/grpc-js', '--importFileExtension=.ts',
    '-I', join(root, 'proto'), '-O', outDir, 'iot/v1/pipeline.proto',
  ],
  { stdio: 'inherit' },
);

// The generator writes each source's absolute path into a comment; keep output independent of
// where the repository is checked out.
for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
  const file = join(entry.parentPath ?? entry.path, entry.name);
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll(`${join(root, 'proto')}/`, 'contracts/proto/'));
}

const protobuf = (await import('protobufjs')).default;
const protoRoot = new protobuf.Root();
protoRoot.resolvePath = (_origin, target) => join(root, 'proto', target);
protoRoot.loadSync('iot/v1/pipeline.proto', { keepCase: false });
writeFileSync(join(outDir, 'pipeline.descriptor.json'), JSON.stringify(protoRoot.toJSON(), null, 2) + '\n');
