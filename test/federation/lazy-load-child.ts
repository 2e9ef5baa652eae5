// For lazy-load.test.ts: runs a whole Kith (web and worker) on SQLite in this process, records
// which Fedify and media-processing modules get loaded, and prints what it saw as JSON lines.
import { registerHooks } from "node:module";

const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^@(fedify|js-temporal)\//.test(specifier))
      loaded.add(specifier.split("/").slice(0, 2).join("/"));
    if (/^(sharp|blurhash|file-type)$/.test(specifier)) loaded.add(specifier);
    return nextResolve(specifier, context);
  },
});

const { startTestServer } = await import("../helpers/server.ts");
const { createUser } = await import("../helpers/users.ts");
const server = await startTestServer("sqlite");
try {
  await createUser(server.kith.ctx, { username: "alice" });
  const report = (step: string) =>
    process.stdout.write(`${JSON.stringify({ step, loaded: [...loaded].sort() })}\n`);
  for (const [path, accept] of [
    ["/health", ""],
    ["/api/v1/instance", ""],
    ["/@alice", "text/html"],
    ["/users/alice", "text/html"],
    ["/.well-known/host-meta", ""],
  ] as const) {
    await (
      await fetch(`${server.url}${path}`, { headers: accept ? { Accept: accept } : {} })
    ).text();
  }
  await new Promise((r) => setTimeout(r, 300)); // the worker's first polls have run
  report("idle");
  const host = new URL(server.url).host;
  const wf = await fetch(`${server.url}/.well-known/webfinger?resource=acct:alice@${host}`);
  await wf.text();
  report(`webfinger ${wf.status}`);
  const { token } = await createUser(server.kith.ctx, { username: "bob" });
  const form = new FormData();
  const { png } = await import("../helpers/media.ts");
  form.append("file", new Blob([new Uint8Array(await png(8, 8))]), "a.png");
  const upload = await fetch(`${server.url}/api/v1/media`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  await upload.text();
  report(`upload ${upload.status}`);
} finally {
  await server.stop();
}
