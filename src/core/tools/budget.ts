import { defaultConfig } from '../config/schema.js';
import type { ToolContext } from './types.js';

export type BudgetOutcome = { kind: 'done' } | { kind: 'overBudget'; budgetMs: number };

/**
 * Runs `work` with a signal that aborts when the turn is cancelled or the tool's time budget runs out.
 * A cancelled turn is thrown as ever; a spent budget is an outcome, so the tool can return what it
 * found so far with a note.
 */
export async function runWithinBudget(
  context: ToolContext,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<BudgetOutcome> {
  // Without a tool set (tests of one tool), the configuration's default.
  const budgetMs = context.searchBudgetMs ?? defaultConfig().tools.search_budget_ms;
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), budgetMs);
  try {
    await work(AbortSignal.any([context.signal, budget.signal]));
    return { kind: 'done' };
  } catch (error) {
    if (context.signal.aborted || !budget.signal.aborted) throw error;
    return { kind: 'overBudget', budgetMs };
  } finally {
    clearTimeout(timer);
  }
}

/** The line that ends a result cut by its budget: how far it got, and what to try instead. */
export function budgetNote(budgetMs: number, progress: string, advice: string): string {
  return `[stopped after ${budgetMs / 1000} s, the time budget of a search (tools.search_budget_ms): ${progress}. ${advice}.]`;
}
