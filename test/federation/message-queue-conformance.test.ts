// Fedify's own conformance suite for MessageQueue implementations, with ordering keys, on both
// databases. It has instant handlers and no crash case: message-queue.test.ts and
// message-queue-crash.test.ts cover those.
import { it } from "node:test";
import { testMessageQueue } from "@fedify/testing";
import { KithMessageQueue } from "../../src/federation/message-queue.ts";
import { eachDatabase } from "../helpers/databases.ts";

eachDatabase("Fedify MessageQueue conformance", (fixture) => {
  it("passes @fedify/testing's testMessageQueue()", { timeout: 120_000 }, async () => {
    await testMessageQueue(
      () => new KithMessageQueue(fixture().db),
      async ({ controller }) => {
        controller.abort();
        await fixture().db.kysely.deleteFrom("jobs").execute();
      },
      { testOrderingKey: true },
    );
  });
});
