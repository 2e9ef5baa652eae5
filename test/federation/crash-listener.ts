// A federation queue listener in its own process, for message-queue-crash.test.ts: it takes
// messages and never finishes them, until the test kills it with SIGKILL.
// Usage: node crash-listener.ts '<Config["database"] as JSON>' <leaseMs>
import { openDatabase } from "../../src/db/database.ts";
import { KithMessageQueue } from "../../src/federation/message-queue.ts";

const db = await openDatabase(JSON.parse(process.argv[2]!));
const mq = new KithMessageQueue(db, { leaseMs: Number(process.argv[3]), pollMs: 100 });
void mq.listen(async (message) => {
  process.stdout.write(`claimed ${JSON.stringify(message)}\n`);
  await new Promise(() => {});
});
process.stdout.write("listening\n");
