/**
 * The command line as a function of an explicit argv and injected io, so tests run it in-process.
 * The commands and the light listing are small and imported here; the workspace (and through it the
 * store, tools and providers) and the full screen are imported when chosen. Each module file node loads
 * costs about a millisecond of its own, so the paths are kept to a few files.
 */
import { openListing } from '../core/listing.js';
import { listSessions } from './commands/sessions-list.js';
import { runDoctor } from './commands/doctor.js';
import { runRun } from './commands/run.js';
import { runSessions } from './commands/sessions.js';
import { runTrust } from './commands/trust.js';
import { reportError } from './errors.js';
import { noteWarning, printWarnings } from './format/diagnostics.js';
import { helpText, usageHint } from './help.js';
import { EXIT, Output, type CliIo } from './io.js';
import { parseArgv, UsageError, type Invocation } from './parse.js';
import { packageVersion } from './version.js';
import { assertNames, withWorkspace, workspaceDeps } from './workspace.js';

async function dispatch(
  invocation: Invocation,
  output: Output,
  onSecondaryError: (error: unknown) => void,
): Promise<number> {
  const { io } = output;
  switch (invocation.kind) {
    case 'help':
      output.write(helpText(invocation.topic));
      return EXIT.ok;
    case 'version':
      output.line(packageVersion());
      return EXIT.ok;
    case 'run':
      return runRun(invocation.options, output, onSecondaryError);
    case 'sessions': {
      const command = invocation.sessions;
      // Listing (but not the trash, which is purged first) needs neither the config nor the store's writers.
      if (command.action === 'list' && !command.trash) {
        const listing = await openListing(workspaceDeps(io), noteWarning(output));
        return listSessions(listing, output, command);
      }
      assertNames([
        'name' in command ? command.name : undefined,
        'newName' in command ? command.newName : undefined,
      ]);
      return withWorkspace(io, onSecondaryError, (ws) => {
        printWarnings(ws, output);
        return runSessions(ws, output, command);
      });
    }
    case 'doctor':
      return withWorkspace(io, onSecondaryError, (ws) => {
        printWarnings(ws, output);
        return runDoctor(ws, output, invocation);
      });
    case 'trust':
      return withWorkspace(io, onSecondaryError, (ws) => runTrust(ws, output, invocation));
    case 'server': {
      const { runServer } = await import('./commands/server.js');
      return runServer(invocation.options, output, onSecondaryError);
    }
    case 'send': {
      const { runSend } = await import('./commands/send.js');
      return runSend(invocation.name, invocation.text, output);
    }
    case 'attach': {
      const { runAttach } = await import('./commands/attach.js');
      return runAttach(invocation.name, invocation.theme, output, onSecondaryError);
    }
  }
}

/** Runs octo once and returns its exit code; never throws and never prints a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const output = new Output(io);
  // Errors outside the main flow (a failing event listener, a close after a failure) are reported too,
  // and turn a successful run into a failed one: something went wrong that the user should know of.
  const secondary: number[] = [];
  const onSecondaryError = (error: unknown): void => {
    secondary.push(reportError(error, output));
  };
  let code: number;
  try {
    code = await dispatch(parseArgv(argv), output, onSecondaryError);
  } catch (error) {
    if (error instanceof UsageError) {
      output.error(error.message);
      output.note(usageHint(error.topic));
      return EXIT.usage;
    }
    code = reportError(error, output);
  }
  return code === EXIT.ok && secondary.length > 0 ? EXIT.failure : code;
}
