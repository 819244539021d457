/**
 * Writes the JSON Schemas of the protocol's frames (docs/protocol.md) from their zod definitions in
 * src/server/protocol.ts, so the documents and the server's own validation cannot drift apart:
 *   npx tsx scripts/protocol-schemas.ts          # writes docs/schemas/*.schema.json
 *   npx tsx scripts/protocol-schemas.ts --check  # exits 1 when the committed files differ
 * test/server/schemas.test.ts fails when the committed files are not the generated ones.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import * as z from 'zod';
import { authFrame, CLIENT_FRAMES, PROTOCOL_VERSION, SERVER_FRAMES } from '../src/server/protocol.js';

export const SCHEMA_DIR = path.resolve(import.meta.dirname, '..', 'docs', 'schemas');

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

type Frames = Readonly<Record<string, z.ZodType>>;

/**
 * One document per direction: `oneOf` the frames (told apart by `type`), each frame under `$defs` by its
 * type. What a client sends is described as the server reads it (`io: 'input'`: unknown fields are
 * ignored, approval words before they are normalised); what the server sends, exactly as it writes it.
 */
function document(
  title: string,
  description: string,
  frames: Frames,
  io: 'input' | 'output',
  extra: Frames = {},
): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const [type, schema] of Object.entries({ ...frames, ...extra })) {
    const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'throw' });
    defs[type] = json;
  }
  return {
    $schema: DIALECT,
    title,
    description,
    oneOf: Object.keys(frames).map((type) => ({ $ref: `#/$defs/${type}` })),
    $defs: defs,
  };
}

/** The generated files, by name, as they are committed (formatted as prettier would). */
export async function protocolSchemas(): Promise<Record<string, string>> {
  const options = (await prettier.resolveConfig(path.join(SCHEMA_DIR, 'x.json'))) ?? {};
  const format = (value: unknown): Promise<string> =>
    prettier.format(JSON.stringify(value), { ...options, parser: 'json' });
  return {
    'client-frames.schema.json': await format(
      document(
        `octo protocol ${PROTOCOL_VERSION}: frames a client sends`,
        'One JSON object per WebSocket text frame (or per line on a daemon socket), told apart by "type". ' +
          'The "auth" frame under $defs is only for a daemon socket, as its first line.',
        CLIENT_FRAMES,
        'input',
        { auth: authFrame },
      ),
    ),
    'server-frames.schema.json': await format(
      document(
        `octo protocol ${PROTOCOL_VERSION}: frames the server sends`,
        'One JSON object per WebSocket text frame (or per line on a daemon socket), told apart by "type". ' +
          'A client should ignore fields and frame types it does not know: later versions may add them.',
        SERVER_FRAMES,
        'output',
      ),
    ),
  };
}

if (process.argv[1] !== undefined && import.meta.filename === path.resolve(process.argv[1])) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, text] of Object.entries(await protocolSchemas())) {
    const file = path.join(SCHEMA_DIR, name);
    if (!check) {
      await writeFile(file, text);
      continue;
    }
    const committed = await readFile(file, 'utf8').catch(() => '');
    if (committed !== text) {
      stale += 1;
      process.stderr.write(`${path.relative(process.cwd(), file)} is not the generated one\n`);
    }
  }
  if (stale > 0) {
    process.stderr.write('Run: npx tsx scripts/protocol-schemas.ts\n');
    process.exitCode = 1;
  }
}
