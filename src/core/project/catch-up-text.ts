/** A catch-up in one line for the user: the conversation's note on resume, and stderr of `-p`. */
import { plural, sanitizeLine } from '../text/index.js';
import type { CatchUp } from './types.js';

/** Names of changed files shown before "and N more". */
const FILES_SHOWN = 5;

export function catchUpText(catchUp: CatchUp): string {
  if (catchUp.dirMissing)
    return `Since the last message: the project directory ${sanitizeLine(catchUp.projectDir)} is gone.`;
  const parts: string[] = [];
  if (catchUp.replyCutOff) parts.push('the last reply was cut off (octo stopped while it was written)');
  if (catchUp.commitCount > 0) {
    const latest = catchUp.commits[0];
    const subject = latest === undefined ? '' : ` (latest: ${sanitizeLine(latest.subject)})`;
    parts.push(`${plural(catchUp.commitCount, 'commit')}${subject}`);
  }
  if (catchUp.filesChangedCount > 0) {
    const names = catchUp.filesChanged.slice(0, FILES_SHOWN).map(sanitizeLine).join(', ');
    const more = catchUp.filesChangedCount - Math.min(FILES_SHOWN, catchUp.filesChanged.length);
    parts.push(
      `${plural(catchUp.filesChangedCount, 'file')} changed: ${names}${more > 0 ? ` and ${more} more` : ''}`,
    );
  }
  if (catchUp.readFilesChanged.length > 0)
    parts.push(`changed since the model read them: ${catchUp.readFilesChanged.map(sanitizeLine).join(', ')}`);
  const body = parts.length === 0 ? 'nothing changed in the project' : parts.join(' · ');
  const problem = catchUp.problem === null ? '' : ` (${sanitizeLine(catchUp.problem)})`;
  return `Since the last message: ${body}${problem}. The model gets a short note of it with the next message.`;
}
