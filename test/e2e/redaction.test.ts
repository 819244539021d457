/**
 * Secrets never reach the disk or the provider (docs/faults.md row 28): a `.env` holding every secret
 * format of the corpus is read by a tool, secrets are pasted into the prompt and echoed by the model;
 * afterwards no secret is in any file of the data folder (session file, index.db title and preview,
 * search index), nor in any request the provider received, nor found by `sessions search`.
 */
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord, SessionSummary } from '../../src/core/api.js';
import { REPO, useOctoHome } from './support.js';

const e2e = useOctoHome();
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'secrets');

interface Corpus {
  secrets: Array<{ format: string; text: string; secret: string }>;
}

async function everyFile(dir: string): Promise<Array<{ file: string; text: string }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return { file, text: await readFile(file, 'latin1') };
      }),
  );
}

/** The secret as written, and as it reads inside a JSON string (a private key's line breaks). */
function forms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1)])];
}

/** Runs the binary seven times, a fresh node process each. */
describe('secrets read by a tool, pasted and echoed (docs/faults.md row 28)', { timeout: 90_000 }, () => {
  it('are in no file of the data folder and in no request sent', async () => {
    const corpus = JSON.parse(await readFile(path.join(FIXTURES, 'corpus.json'), 'utf8')) as Corpus;
    const env = await readFile(path.join(FIXTURES, 'app.env'), 'utf8');
    await copyFile(path.join(FIXTURES, 'app.env'), path.join(e2e.home.projectDir, '.env'));
    const jwt = corpus.secrets.find((s) => s.format === 'jwt')?.secret ?? '';
    const awsSecret =
      corpus.secrets.find((s) => s.format.startsWith('aws secret access key in ~'))?.secret ?? '';
    const pasted = `Why does postgres://app:Tr0ub4dor-3@db.internal:5432/app refuse the token ${jwt}?`;
    e2e.fake.enqueue(
      { toolCalls: [{ id: 'r1', name: 'read_file', arguments: '{"path":".env"}' }] },
      { text: ['The AWS key is ', `aws_secret_access_key = ${awsSecret}`, ' and the JWT ', jwt, '.'] },
    );

    const result = await e2e.home.run(['run', '--name', 'leaky', '-p', pasted]);
    expect(result.code, result.stderr).toBe(0);

    const secrets = corpus.secrets.map((s) => s.secret).filter((s) => env.includes(s) || pasted.includes(s));
    expect(secrets.length).toBeGreaterThan(30);
    const stored = await everyFile(e2e.home.dataDir);
    const sent = e2e.fake.requests.map((r) => JSON.stringify(r.body));
    expect(sent).toHaveLength(2);
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        expect(
          stored.filter((f) => f.text.includes(form)).map((f) => f.file),
          secret,
        ).toEqual([]);
        expect(
          sent.filter((body) => body.includes(form)),
          secret,
        ).toEqual([]);
      }
    }

    // The tool did read the file: its settings are there, its secrets replaced.
    const shown = await e2e.home.run(['sessions', 'show', 'leaky', '--json']);
    const { session, records } = JSON.parse(shown.stdout) as {
      session: SessionSummary;
      records: SessionRecord[];
    };
    const toolResult = records.find((r) => r.kind === 'message' && r.role === 'tool');
    expect(toolResult?.kind === 'message' ? toolResult.content : '').toContain('NODE_ENV=production');
    expect(toolResult?.kind === 'message' ? toolResult.content : '').toContain(
      'DATABASE_URL=postgres://app:[redacted:url-password]@db.internal:5432/app',
    );
    expect(session.title).toContain('[redacted:url-password]');
    expect(session.title).not.toContain('Tr0ub4dor-3');

    // The search index holds the tool's result (its settings are found), not its secrets.
    expect((await e2e.home.run(['sessions', 'search', 'NODE_ENV'])).stdout).toContain('leaky');
    for (const query of ['Tr0ub4dor', 'wJalrXUtnFEMI', 'hunter2hunter2']) {
      const search = await e2e.home.run(['sessions', 'search', query]);
      expect(search.stdout, query).not.toContain(query);
    }
  });

  it('are not shown by -p as the reply streams, even split across chunks', async () => {
    const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const apiKey = 'sk-proj-T3BlbkFJq8Zr5Xw2Lm9Np4Qs7Vt0Yb6Cd1Ef';
    e2e.fake.enqueue({
      reasoning: ['Echo the key ', apiKey.slice(0, 12), apiKey.slice(12)],
      text: [
        'Your key is ',
        apiKey.slice(0, 9),
        apiKey.slice(9, 25),
        `${apiKey.slice(25)} and the config:\naws_secret_access_key = `,
        awsSecret.slice(0, 20),
        `${awsSecret.slice(20)}\nDATABASE_URL=postgres://app:Tr0ub`,
        '4dor-3@db.internal/app\nexport DB_PASSWORD="correct horse ',
        'battery staple"\nDone.',
      ],
    });
    const result = await e2e.home.run(['run', '--name', 'echoed', '-p', 'show me my keys']);
    expect(result.code, result.stderr).toBe(0);
    const shown = result.stdout + result.stderr;
    for (const leak of [
      apiKey.slice(0, 12),
      apiKey.slice(12),
      'wJalrXUtnFEMI',
      'EXAMPLEKEY',
      'Tr0ub',
      '4dor-3',
      'horse',
    ]) {
      expect(shown, leak).not.toContain(leak);
    }
    expect(result.stdout).toContain('Your key is [redacted:api-key] and the config:\n');
    expect(result.stdout).toContain('aws_secret_access_key = [redacted:');
    expect(result.stdout).toContain('DATABASE_URL=postgres://app:[redacted:url-password]@db.internal/app\n');
    expect(result.stdout).toContain('export DB_PASSWORD="[redacted:secret]"\nDone.');
  });

  it('keep no start of a secret in a reply cut off mid-stream, shown or stored', async () => {
    e2e.fake.enqueue({ text: ['Your key sk-proj-T3Blbk', 'FJq8Zr5Xw2Lm9Np4Qs7Vt0 is here'], closeAfter: 1 });
    const result = await e2e.home.run(['run', '--name', 'cut', '-p', 'my key?']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Your key \n');
    const shown = await e2e.home.run(['sessions', 'show', 'cut', '--json']);
    const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
    const reply = records.find((r) => r.kind === 'message' && r.role === 'assistant');
    expect(reply?.kind === 'message' ? reply.content : null).toBe('Your key ');
    const stored = await everyFile(e2e.home.dataDir);
    expect(stored.filter((f) => f.text.includes('T3Blbk')).map((f) => f.file)).toEqual([]);
  });
});
