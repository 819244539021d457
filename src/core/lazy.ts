/**
 * A value built on first use and kept: for zod schemas, whose building is work at import time that a
 * start mostly does not need (the config's, the tools' arguments, files read now and then). A module of
 * the core's root so that every domain, the server and the TUI can use it.
 */
export function lazily<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
