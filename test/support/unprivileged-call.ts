/**
 * Child of callUnprivileged (unprivileged.ts): imports a module, calls one export with JSON arguments,
 * and prints { ok, value } or { ok: false, code, message, details } as one JSON line.
 */
const [module, exportName, argsJson] = process.argv.slice(2);
if (module === undefined || exportName === undefined || argsJson === undefined) {
  throw new Error('usage: unprivileged-call.ts MODULE EXPORT ARGS_JSON');
}
const imported = (await import(module)) as Record<string, unknown>;
const fn = imported[exportName];
if (typeof fn !== 'function') throw new Error(`${module} has no function ${exportName}`);
try {
  const value: unknown = await (fn as (...args: unknown[]) => unknown)(
    ...(JSON.parse(argsJson) as unknown[]),
  );
  process.stdout.write(`${JSON.stringify({ ok: true, value })}\n`);
} catch (error) {
  const { code, message, details } = error as { code?: string; message?: string; details?: unknown };
  process.stdout.write(
    `${JSON.stringify({ ok: false, code, message: message ?? String(error), details })}\n`,
  );
}
