#!/usr/bin/env node
// The `kith` command. Node 24 runs Kith's TypeScript sources directly (type stripping).
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(`kith: Node.js 24 or newer is needed (this is ${process.version})\n`);
  process.exit(1);
}
await import("../src/cli/kith.ts");
