// Build-time replacement for react-devtools-core (see esbuild.mjs): Ink imports it only when the environment sets
// DEV=true, which the shipped terminal chat does not support. Connecting to DevTools is refused with a clear error.
const devtools = {
  initialize(): void {},
  connectToDevTools(): void {
    throw new Error('React DevTools are not bundled with hermes-host; unset DEV to use the terminal chat');
  },
};
export default devtools;
