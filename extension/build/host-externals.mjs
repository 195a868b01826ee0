// The packages the host bundle leaves to Node's require: native modules (compiled per platform) and the big
// platform libraries that only the gateway loads (discord.js 1.7 MB, @slack/bolt with express 2.6 MB), so that
// every other host start does not parse them. esbuild.mjs, the .vsix packager and the packaging test read this list,
// so a package made external is always shipped with its runtime dependencies.
export const HOST_EXTERNALS = ['better-sqlite3', 'node-pty', 'ssh2', 'cpu-features', 'dockerode', 'discord.js', '@slack/bolt'];
