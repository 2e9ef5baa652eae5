import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { closeServer, listen } from "../../src/http/server.ts";

describe("graceful HTTP shutdown", () => {
  it("lets an in-flight request finish, then refuses new connections", async () => {
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const { server, port } = await listen(
      async () => {
        entered();
        await sleep(300);
        return new Response("finished");
      },
      "127.0.0.1",
      0,
    );
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
    await inside;
    const closing = closeServer(server, 5000);
    assert.equal(await inFlight, "finished");
    await closing;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
  });

  it("cuts requests that outlast the timeout", async () => {
    const { server, port } = await listen(
      async () => {
        await sleep(1500);
        return new Response("too late");
      },
      "127.0.0.1",
      0,
    );
    const stuck = fetch(`http://127.0.0.1:${port}/stuck`).then(
      (r) => r.text(),
      () => "cut",
    );
    await sleep(50);
    const started = Date.now();
    await closeServer(server, 200);
    assert.ok(Date.now() - started < 2000, "closed soon after the timeout");
    assert.equal(await stuck, "cut");
  });

  it("reports a port that is taken in one line", async () => {
    const { server, port } = await listen(() => new Response("x"), "127.0.0.1", 0);
    await assert.rejects(
      listen(() => new Response("y"), "127.0.0.1", port),
      /^Error: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)$/,
    );
    await closeServer(server, 100);
  });
});
