/**
 * A module resolution hook for the web process (registered by server/http/serve.mts): the marker
 * package "server-only" resolves as it does inside Next's server bundles and in the worker
 * (`--conditions=react-server`), to its empty module. Only that package is affected; React and
 * Next keep their ordinary Node resolution, which the react-server condition would change.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== "server-only") return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
}
