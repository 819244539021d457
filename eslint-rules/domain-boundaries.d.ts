import type { ESLint, Rule } from 'eslint';

export declare const CONTRACT: readonly string[];
export declare const domainBoundaries: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
