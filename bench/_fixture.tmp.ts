import { writeFileSync } from 'node:fs';
import { createWorkspace } from '../src/core/workspace.js';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { makeOctoHome } from '../test/e2e/support.js';
const fake = await startFakeProvider();
const home = await makeOctoHome(fake.url);
const ws = await createWorkspace({
  env: home.env,
  home: home.home,
  cwd: home.projectDir,
  clock: { now: () => Date.now() },
  pid: process.pid,
});
for (let i = 0; i < 1000; i += 1) {
  const h = await ws.sessions.create(`bench-${String(i).padStart(4, '0')}`);
  await h.close();
}
const handle = await ws.sessions.open('big', { create: true });
for (let turn = 0; turn < 1000; turn += 1) {
  fake.enqueue({
    text: `Reply ${turn}: ${'a fairly ordinary sentence of an answer. '.repeat(4)}`,
    usage: { prompt: 1000, completion: 50 },
  });
  await handle.submit(`Question ${turn}: ${'some words of a question. '.repeat(3)}`);
}
await ws.close();
fake.setFallback({ text: 'hi back' });
writeFileSync('/tmp/fix/env.json', JSON.stringify({ env: home.env, cwd: home.projectDir, url: fake.url }));
console.log('ready', home.projectDir);
setInterval(() => {}, 1 << 30);
