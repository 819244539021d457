/** Store warnings in words (they arrive as data from the core). */
import { assertNever } from '../../core/errors.js';
import type { StoreWarning } from '../../core/api.js';

export function describeWarning(warning: StoreWarning): { text: string; tone: 'info' | 'warning' } {
  switch (warning.kind) {
    case 'tornTail':
      return {
        text: `A damaged end of ${warning.path} (${warning.bytes} bytes) was set aside in ${warning.setAsidePath}.`,
        tone: 'warning',
      };
    case 'permissionsTightened':
      return {
        text: `Permissions of ${warning.path} tightened from ${warning.from.toString(8)} to ${warning.to.toString(8)}.`,
        tone: 'info',
      };
    case 'staleLockTaken':
      return {
        text: `Took over a stale lock on ${warning.path} left by process ${warning.holder.pid} on ${warning.holder.host}.`,
        tone: 'warning',
      };
    case 'danglingToolCall':
      return {
        text: `${warning.path}: a tool call left without a result by a crash was marked interrupted (${warning.toolCallId}, ${warning.toolName}).`,
        tone: 'warning',
      };
    case 'indexRebuilt':
      return { text: `The session index ${warning.path} was rebuilt: ${warning.reason}.`, tone: 'info' };
    case 'storeIssue':
      return { text: `${warning.path}: ${warning.message}`, tone: 'warning' };
    default:
      return assertNever(warning, 'store warning');
  }
}
