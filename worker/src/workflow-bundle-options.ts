/** The workflow code's entry point (bundled by the SDK's webpack, evaluated in its sandbox). */
export const workflowsPath = new URL('./workflows/index.ts', import.meta.url).pathname;

/** How every workflow bundle is built: by the worker at start, in the local stack's cache, and for deploys. */
export const workflowBundleOptions = {
  workflowsPath,
  preloadModules: [new URL('./workflows/preload.ts', import.meta.url).pathname],
};
