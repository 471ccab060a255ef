// The built library, imported lazily inside the worker so that a library without
// verifyPath (or not built yet) makes each case an ERROR with this reason, not a crash.
const CORE_URL = new URL('../../packages/core/dist/src/index.js', import.meta.url);

let core;
/** @fleetpki/core as built by `npx tsc -b`. */
export function loadCore() {
  core ??= import(CORE_URL.href).catch((err) => {
    throw new Error(`cannot import ${CORE_URL.pathname} (run npx tsc -b): ${err.message}`);
  });
  return core;
}

/** The library, checked to export verifyPath (packages/core/src/path). */
export async function loadValidator() {
  const lib = await loadCore();
  if (typeof lib.verifyPath !== 'function') throw new Error('verifyPath is not exported by @fleetpki/core yet (packages/core/src/path)');
  return lib;
}

/** "CODE: message (at index i)" from a failed VerifyPathResult. */
export function describeFailure(result) {
  return `${result.code}: ${result.message}${result.index === undefined ? '' : ` (certificate ${result.index})`}`;
}
