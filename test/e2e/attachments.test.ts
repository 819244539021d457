import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { e2eConfig, makeOctoHome, type OctoHome } from './support.js';

let fake: FakeProvider;
let home: OctoHome;

/** The smallest bytes octo recognises as a PNG: the signature and the start of an IHDR chunk. */
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
/** An MP4 header: a box size, then "ftyp" and a brand. */
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.alloc(12)]);

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  const vision = '[providers.test.models."fake-model"]\nvision = true\n';
  home = await makeOctoHome(fake.url, { config: e2eConfig(fake.url, vision) });
});
afterEach(async () => {
  await home.cleanup();
});

interface ShownAttachment {
  name: string;
  type: string;
  sha256: string;
  path: string;
}

describe('--attach', () => {
  it('sends an image as an image part, stores it by hash and lists it with its path', async () => {
    await writeFile(path.join(home.projectDir, 'screen.png'), PNG);
    fake.enqueue({ text: 'A tiny image.' });
    const result = await home.run(['run', '--name', 'pics', '--attach', 'screen.png', '-p', 'What is this?']);
    expect(result).toMatchObject({ code: 0, stdout: 'A tiny image.\n' });

    const sent = fake.requests.at(-1)?.body.messages?.at(-1) as { content: Array<{ type: string }> };
    expect(sent.content.map((part) => part.type).sort()).toEqual(['image_url', 'text']);

    const shown = await home.run(['sessions', 'show', 'pics', '--json']);
    const { records } = JSON.parse(shown.stdout) as {
      records: Array<{ kind: string; attachments?: ShownAttachment[] }>;
    };
    const attachments = records.flatMap((r) => r.attachments ?? []);
    expect(attachments).toHaveLength(1);
    expect(attachments[0]).toMatchObject({ name: 'screen.png', type: 'image' });
    expect(path.basename(attachments[0]?.path ?? '')).toBe(`${attachments[0]?.sha256}.png`);
    expect(await readFile(attachments[0]?.path ?? '')).toEqual(PNG);
    expect(((await stat(attachments[0]?.path ?? '')).mode & 0o777).toString(8)).toBe('600');

    const text = await home.run(['sessions', 'show', 'pics']);
    expect(text.stdout).toContain(
      `attached image screen.png (${PNG.length} bytes) at ${attachments[0]?.path}`,
    );
  });

  it('refuses a video for a model that cannot take one, with a clear message', async () => {
    await writeFile(path.join(home.projectDir, 'clip.mp4'), MP4);
    const requests = fake.requests.length;
    const result = await home.run(['run', '--name', 'film', '--attach', 'clip.mp4', '-p', 'Describe it']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^octo: clip\.mp4 is a video, and test:fake-model cannot take video/);
    expect(fake.requests.length).toBe(requests);
  });

  it('names a missing file', async () => {
    const result = await home.run(['run', '--name', 'gone', '--attach', 'nope.png', '-p', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot attach ${path.join(home.projectDir, 'nope.png')}: no such file`);
  });
});
