/** Public face of the project domain: which project a directory belongs to. */
export { resolveProject, projectIdOf } from './identity.js';
