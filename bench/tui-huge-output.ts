/**
 * A keystroke while a 10 MB tool output is expanded in the conversation (docs/faults.md row 21: the
 * screen stays responsive): time from the key written to the screen drawn with it, on a headless
 * 120x40 screen. The screen draws only the first SCREEN_CAP characters of the output, so a key costs
 * what it costs beside a short one; an uncapped 10 MB would take seconds. Target: every key < 250 ms.
 * Run: npx tsx bench/tui-huge-output.ts
 */
import { performance } from 'node:perf_hooks';
import { hugeOutputWorkspace } from '../test/tui/support/fixture.js';
import { KEY, startHeadless } from '../test/tui/support/headless.js';
import { median, ms, report } from './support.js';

const KEYS = 40;
const TARGET_MS = 250;

const { ws, huge } = hugeOutputWorkspace();
const s = await startHeadless(ws, { width: 120, height: 40 });
await s.flush();
await s.press(KEY.ctrlO);
const times: number[] = [];
for (let i = 0; i < KEYS; i += 1) {
  const started = performance.now();
  await s.press('x');
  s.tui.controller.renderNow();
  times.push(performance.now() - started);
}
s.tui.controller.onExit(0);
await s.tui.exited;
const worst = Math.max(...times);
report(`a keystroke with a ${(huge.length / 1e6).toFixed(1)} MB tool output expanded, 120x40 headless`, [
  `keys: ${KEYS}; median ${ms(median(times))}; worst ${ms(worst)} (target < ${TARGET_MS} ms)`,
]);
if (worst >= TARGET_MS) process.exitCode = 1;
