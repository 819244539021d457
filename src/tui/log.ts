/** The TUI's log file: recoverable errors are shown in place and appended here with their stack. */
import { getErrorMessage } from '../core/errors.js';
import { appendLogEntry, errorDetail } from '../core/log-file.js';

export class TuiLog {
  private broken: string | null = null;

  constructor(
    readonly file: string,
    private readonly clock: () => number,
  ) {}

  /** Appends one entry; returns why it could not be written, if it could not (the caller shows it). */
  write(what: string, error?: unknown): string | null {
    if (this.broken !== null) return this.broken;
    const detail = error === undefined ? '' : `\n${errorDetail(error)}`;
    try {
      appendLogEntry(this.file, `${new Date(this.clock()).toISOString()} ${what}${detail}\n`);
      return null;
    } catch (failure) {
      // Logging must not take the workspace down; the first failure is reported once, on screen.
      this.broken = `The log file ${this.file} cannot be written: ${getErrorMessage(failure)}`;
      return this.broken;
    }
  }
}
