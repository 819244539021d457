/** Whether a `-p` prompt is a slash command (docs: README "Slash commands in -p"). */
import { isSlashCommand } from '../../core/commands/index.js';

/**
 * The command a prompt is, or null when it is a message for the model. A command's first word is a
 * slash and a name (`/info`, `/run reduce`); a path (`/usr/bin is …`, its first word has a second
 * slash) or `/` followed by anything else is a message, and `//text` sends `/text`, as in the full screen.
 */
export function promptCommand(prompt: string): { line: string } | { text: string } {
  const text = prompt.trim();
  if (text.startsWith('//')) return { text: prompt.replace(/^\s*\//, '') };
  return isSlashCommand(text) ? { line: text } : { text: prompt };
}
