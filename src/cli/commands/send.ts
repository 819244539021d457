/** `octo send --name NAME TEXT`: one message to the daemon holding NAME; prints ok or error: <why>. */
import { resolvePaths } from '../../core/config/index.js';
import { sanitizeLine } from '../../core/text/index.js';
import { EXIT, type ExitCode, type Output } from '../io.js';
import { readAll } from '../read-all.js';
import { assertNames } from '../workspace.js';

/** The daemon acknowledges at once; silence this long means it is stuck. */
const REPLY_TIMEOUT_MS = 30_000;

export async function runSend(name: string, text: string | undefined, output: Output): Promise<ExitCode> {
  const { io } = output;
  assertNames([name]);
  const message = text ?? (io.stdinIsTTY ? '' : await readAll(io.stdin));
  if (message.trim() === '') {
    return fail(output, 'empty message (give the text as an argument or on stdin)');
  }
  const { sendToDaemon } = await import('../../server/index.js');
  const dataDir = resolvePaths(io.env, io.home).data;
  const result = await sendToDaemon(io.env, dataDir, name, message.trim(), REPLY_TIMEOUT_MS);
  if (!result.ok) return fail(output, result.reason);
  output.line('ok');
  return EXIT.ok;
}

/** `error: <why>` is the reply, on stdout like `ok`; also on stderr when that is not the same terminal. */
function fail(output: Output, reason: string): ExitCode {
  const line = `error: ${sanitizeLine(reason)}`;
  output.line(line);
  if (!(output.io.stdoutIsTTY && output.io.stderrIsTTY)) output.note(line);
  return EXIT.failure;
}
