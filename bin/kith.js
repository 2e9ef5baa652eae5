#!/usr/bin/env node
// The `kith` command. Node 24 runs Kith's TypeScript sources directly (type stripping).
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(`kith: Node.js 24 or newer is needed (this is ${process.version})\n`);
  process.exit(1);
}
// Node's compile cache keeps the type-stripped, compiled modules between runs (in
// NODE_COMPILE_CACHE, else the system's temporary directory). A warm start then never loads the
// TypeScript stripper, which alone holds some 30 MiB for the life of the process.
const { enableCompileCache } = await import("node:module");
enableCompileCache?.();
await import("../src/cli/kith.ts");
