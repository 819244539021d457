/**
 * Shape checks for octo's own cache files (token counts, project identities). They are read on the
 * way to the first request or the first paint, with thousands of entries, where a schema library's
 * per-entry checks cost more than reading the file; anything unexpected makes the cache count as empty.
 */
export function recordOf<T>(value: unknown, isItem: (item: unknown) => item is T): Record<string, T> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  for (const item of Object.values(value)) if (!isItem(item)) return null;
  return value as Record<string, T>;
}

export const isString = (value: unknown): value is string => typeof value === 'string';

export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);

export const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
