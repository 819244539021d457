// Comments point only at what the repository holds (CONTRIBUTING.md, "Comments"): the design notes,
// fault table and issues the project started from are not in it, so "DESIGN.md §3", "FAULTS.md row 7",
// "issue 15" or a bare "invariant 4" lead a reader nowhere. docs/architecture.md and docs/faults.md are
// the project's own: an invariant is cited with it, a fault row as "docs/faults.md row N".

const OUTSIDE = [
  { pattern: /\b(?:DESIGN|FAULTS|STYLE)\.md\b/, what: 'a design note outside the repository' },
  { pattern: /\bissues? #?\d+\b/i, what: 'an issue number' },
];
const INVARIANT = /\binvariants? \d+\b/i;
const OWN_DOCS = /\bdocs\/(?:architecture|faults)\.md\b/;

/** @type {import('eslint').Rule.RuleModule} */
export const referencesInRepo = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Comments cite only documents the repository holds.' },
    schema: [],
    messages: {
      outside:
        'This comment cites {{what}} ("{{text}}"), which a reader of the repository cannot follow: say it here, or point to docs/architecture.md or docs/faults.md.',
    },
  },
  create(context) {
    const source = context.sourceCode;
    return {
      Program() {
        for (const comment of source.getAllComments()) {
          const found = OUTSIDE.map(({ pattern, what }) => ({
            match: pattern.exec(comment.value),
            what,
          })).find((hit) => hit.match !== null);
          const invariant = OWN_DOCS.test(comment.value) ? null : INVARIANT.exec(comment.value);
          const hit = found ?? (invariant === null ? undefined : { match: invariant, what: 'an invariant' });
          if (hit?.match) {
            context.report({
              loc: comment.loc,
              messageId: 'outside',
              data: { what: hit.what, text: hit.match[0] },
            });
          }
        }
      },
    };
  },
};
