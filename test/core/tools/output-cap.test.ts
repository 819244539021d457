import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OctoEvents } from '../../../src/core/events.js';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

describe('a 10 MB tool output (docs/faults.md row 21)', () => {
  it('is capped for the context and the store, with the cap stated, and only previewed in events', async () => {
    // The shell's buffer keeps all of it: the shell itself fits it to the result cap.
    const config = '[tools]\nmax_output_chars = 5000\n[tools.shell]\nmax_output_bytes = 20000000\n';
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      extraConfig: config,
      options: { allow: ['shell'] },
    });
    const results: Array<OctoEvents['turn.toolResult']> = [];
    suite.tw.ws.on('turn.toolResult', (event) => results.push(event));
    const command = `head -c 10000000 /dev/zero | tr '\\0' 'x'`;
    suite.fake.enqueue(
      { toolCalls: [{ id: 'big', name: 'run_shell', arguments: JSON.stringify({ command }) }] },
      { text: 'That was long.' },
    );
    const handle = await suite.tw.ws.sessions.open('huge', { create: true });
    expect((await handle.submit('make noise')).status).toBe('finished');

    const tool = handle.records().find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool');
    const content = tool?.content ?? '';
    expect(content.length).toBeLessThan(5200);
    // The shell fits the result to the cap itself: the beginning, the true size left out, the end.
    expect(content).toMatch(
      /^\$ head -c 10000000.*\nx+\n\[… 9,99\d,\d{3} bytes \(9\.5 MiB\) omitted from the middle of 10,000,000 bytes \(9\.5 MiB\) of output …\]\nx+\n\[exit code 0\]$/,
    );
    const sent = suite.fake.requests.at(-1)?.body.messages?.at(-1) as { role: string; content: string };
    expect(sent).toMatchObject({ role: 'tool', content });
    expect(results).toHaveLength(1);
    expect(results[0]?.size).toBeGreaterThan(10_000_000);
    expect(results[0]?.preview.length).toBeLessThanOrEqual(200);
    const file = path.join(suite.tw.dataDir, 'sessions', `${handle.id}.db`);
    expect((await stat(file)).size).toBeLessThan(50_000);
  });
});
