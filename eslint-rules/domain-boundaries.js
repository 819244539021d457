// The import boundaries of src/core (docs/architecture.md, "Domains" and "The contract"):
// - outside a domain folder, a module of src/core/<domain>/ is imported through that domain's index.ts,
//   or, for the vocabulary of the workspace contract, through one of the CONTRACT modules below;
// - the contract (api.ts, events.ts, errors.ts, deps.ts and the CONTRACT modules) imports only itself,
//   so that it stays a leaf of the dependency graph and domains implement it;
// - LIGHT modules are start-up paths that load single files on purpose (a face loads its whole domain).
import path from 'node:path';
import { referencesInRepo } from './references.js';

const CORE = path.join('src', 'core');

/** Small type modules that hold a domain's part of the workspace contract (paths under src/core). */
export const CONTRACT = [
  'commands/results.ts',
  'config/model-string.ts',
  'config/schema.ts',
  'jobs/types.ts',
  'mcp/types.ts',
  'project/types.ts',
  'provider/types.ts',
  'search/types.ts',
  'store/records.ts',
  'store/types.ts',
  'tokens/encoding.ts',
  'tools/types.ts',
  'trust/types.ts',
];
const CONTRACT_ROOT = ['api.ts', 'deps.ts', 'errors.ts', 'events.ts'];
/** `octo sessions list` must not load the domains it does not use (README, "Performance"). */
const LIGHT = ['listing.ts'];

const DOC = 'docs/architecture.md';

function coreRelative(root, file) {
  const rel = path.relative(path.join(root, CORE), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
}

/** `store/session-store.ts` -> `store`; root files (`api.ts`) have no domain. */
function domainOf(rel) {
  const parts = rel.split('/');
  return parts.length > 1 ? parts[0] : null;
}

function resolveTarget(fromFile, specifier) {
  const target = path.resolve(path.dirname(fromFile), specifier);
  if (/\.js$/.test(target)) return target.replace(/\.js$/, '.ts');
  return path.extname(target) === '' ? path.join(target, 'index.ts') : target;
}

/** @type {import('eslint').Rule.RuleModule} */
export const domainBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Cross-domain imports in src/ go through a domain public face' },
    schema: [],
    messages: {
      deep:
        "'{{specifier}}' is internal to core/{{domain}}: import it from '{{face}}', the domain's public face " +
        `(or add it there). See ${DOC}, "Domains".`,
      contract:
        "'{{specifier}}' is not part of the contract, and {{file}} is: contract modules import only each " +
        `other, so that the contract stays a leaf that the domains implement. See ${DOC}, "The contract".`,
    },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const fromRel = coreRelative(root, file);
    const inSrc = !path.relative(path.join(root, 'src'), file).startsWith('..');
    if (!inSrc) return {};
    const fromDomain = fromRel === null ? null : domainOf(fromRel);
    const fromContract = fromRel !== null && (CONTRACT.includes(fromRel) || CONTRACT_ROOT.includes(fromRel));
    const light = fromRel !== null && LIGHT.includes(fromRel);

    function check(node) {
      const source = node.source;
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (!specifier.startsWith('.')) return;
      const target = resolveTarget(file, specifier);
      const rel = coreRelative(root, target);
      if (fromContract) {
        if (rel === null || !(CONTRACT.includes(rel) || CONTRACT_ROOT.includes(rel))) {
          context.report({
            node: source,
            messageId: 'contract',
            data: { specifier, file: `core/${fromRel}` },
          });
        }
        return;
      }
      if (rel === null || light) return;
      const domain = domainOf(rel);
      if (domain === null || domain === fromDomain) return;
      if (rel === `${domain}/index.ts` || CONTRACT.includes(rel)) return;
      let face = path.relative(path.dirname(file), path.join(root, CORE, domain, 'index.js'));
      if (!face.startsWith('.')) face = `./${face}`;
      context.report({
        node: source,
        messageId: 'deep',
        data: { specifier, domain, face: face.split(path.sep).join('/') },
      });
    }

    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'domain-boundaries': domainBoundaries, 'references-in-repo': referencesInRepo } };
