import type { OctoConfig } from '../config/index.js';
import type { BudgetFacts } from '../events.js';
import type { SessionSummary } from '../store/index.js';
import { formatCost } from '../text/index.js';

/** A warning is given once usage passes this share of a limit. */
export const BUDGET_WARNING_SHARE = 0.8;

function totalTokens(summary: SessionSummary): number {
  return summary.tokens.input + summary.tokens.output;
}

/** The session-wide limits as facts (used vs max), for those that are configured. */
export function sessionBudget(limits: OctoConfig['limits'], summary: SessionSummary): BudgetFacts[] {
  const facts: BudgetFacts[] = [];
  if (limits.max_session_spending !== undefined) {
    facts.push({ limit: 'session_spending', used: summary.cost ?? 0, max: limits.max_session_spending });
  }
  if (limits.max_session_tokens !== undefined) {
    facts.push({ limit: 'session_tokens', used: totalTokens(summary), max: limits.max_session_tokens });
  }
  return facts;
}

/** Amounts of a limit with their significant digits: "$0.0013 of its $0.001 limit", never "$0.00". */
const usd = (n: number): string => formatCost(n, { significant: true });

export function describeBudget(facts: BudgetFacts): string {
  switch (facts.limit) {
    case 'session_spending':
      return `the session has spent ${usd(facts.used)} of its ${usd(facts.max)} limit (limits.max_session_spending)`;
    case 'request_spending':
      return `the next request would cost about ${usd(facts.used)} for its prompt alone, over the ${usd(facts.max)} limit (limits.max_request_spending)`;
    case 'session_tokens':
      return `the session has used ${facts.used} of its ${facts.max} tokens (limits.max_session_tokens)`;
  }
}
