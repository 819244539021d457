/** Global setup of the end-to-end tests: they run the real binary, so dist/ must not be older than src/. */
import { ensureBuilt } from '../../scripts/ensure-built.mjs';

export default function setup(): void {
  ensureBuilt();
}
