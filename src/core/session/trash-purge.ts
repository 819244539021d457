import { isOctoError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { SessionStore, SessionSummary } from '../store/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes sessions that have been in the trash longer than `[trash] purge_after_days`. Nothing is
 * ever deleted by age unless that is set (default: never). A session open somewhere is left alone.
 * Returns the names deleted.
 */
export async function purgeTrash(
  deps: { store: SessionStore; bus: EventBus },
  trash: readonly SessionSummary[],
  days: number | undefined,
  now: number,
): Promise<string[]> {
  if (days === undefined) return [];
  const purged: string[] = [];
  for (const summary of trash) {
    if (summary.trashedAt === null || now - Date.parse(summary.trashedAt) < days * DAY_MS) continue;
    try {
      await deps.store.deleteSession(summary.id);
      purged.push(summary.name);
    } catch (error) {
      if (!isOctoError(error, 'session_locked')) throw error;
      deps.bus.emit('store.warning', {
        warning: {
          kind: 'storeIssue',
          path: summary.id,
          message: `${summary.name} stays in the trash: it is open elsewhere.`,
        },
      });
    }
  }
  if (purged.length > 0) deps.bus.emit('session.listChanged', { reason: 'purged' });
  return purged;
}
