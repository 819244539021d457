import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { protocolSchemas, SCHEMA_DIR } from '../../scripts/protocol-schemas.js';

const schemas = await protocolSchemas();

function validator(name: string): (frame: unknown) => boolean {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(JSON.parse(schemas[name] ?? 'null') as object);
}

describe('the JSON Schemas in docs/schemas', () => {
  it.each(Object.keys(schemas))('%s is the one generated from src/server/protocol.ts', async (name) => {
    const committed = await readFile(path.join(SCHEMA_DIR, name), 'utf8');
    expect(committed, 'run: npx tsx scripts/protocol-schemas.ts').toBe(schemas[name]);
  });

  it('accept what a client may send, Octomind clients included, and refuse what the server refuses', () => {
    const client = validator('client-frames.schema.json');
    expect(client({ type: 'session', session_id: 'demo' })).toBe(true);
    expect(client({ type: 'message', session_id: 'demo', content: 'hi', request_id: 'r1' })).toBe(true);
    expect(client({ type: 'command', session_id: 'demo', command: 'info', args: [] })).toBe(true);
    expect(client({ type: 'approval', session_id: 'demo', approval_id: 'a', decision: 'allow' })).toBe(true);
    // Fields a client adds are ignored, as the server ignores them.
    expect(client({ type: 'list', client: 'octomind-web' })).toBe(true);
    expect(client({ type: 'message', session_id: 'demo', content: '' })).toBe(false);
    expect(client({ type: 'message', session_id: 'demo' })).toBe(false);
    expect(client({ type: 'launch' })).toBe(false);
    expect(client({ type: 'command', session_id: 'demo', command: 'info now' })).toBe(false);
  });

  it("accept every frame of docs/protocol.md's example session, in its direction", async () => {
    const doc = await readFile(path.join(SCHEMA_DIR, '..', 'protocol.md'), 'utf8');
    const example = /<!-- example:start[^\n]*\n([\s\S]*?)<!-- example:end -->/.exec(doc)?.[1] ?? '';
    const lines = example.split('\n').filter((line) => /^[<>] /.test(line));
    expect(lines.length).toBeGreaterThan(20);
    const client = validator('client-frames.schema.json');
    const server = validator('server-frames.schema.json');
    for (const line of lines) {
      const frame = JSON.parse(line.slice(2)) as unknown;
      expect((line.startsWith('>') ? client : server)(frame), line).toBe(true);
    }
  });

  it('describe what the server sends exactly', () => {
    const server = validator('server-frames.schema.json');
    expect(server({ type: 'ack', message_type: 'message', status: 'received', session_id: 'demo' })).toBe(
      true,
    );
    expect(server({ type: 'assistant', session_id: 'demo', seq: 7, content: 'Done.' })).toBe(true);
    expect(server({ type: 'assistant', session_id: 'demo', content: 'Done.' })).toBe(false);
    expect(server({ type: 'ack', message_type: 'message', status: 'done' })).toBe(false);
    expect(server({ type: 'error', message: 'x', extra: true })).toBe(false);
  });
});
