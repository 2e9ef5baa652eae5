// Starts a whole Kith (web and worker) on a loopback port against a throwaway database, for
// tests that talk to it over real HTTP as clients and other servers do.
import { createServer } from "node:net";
import { after, before, describe } from "node:test";
import { type Kith, startKith } from "../../src/main.ts";
import {
  createThrowawayDatabase,
  type DatabaseKind,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "./databases.ts";

export interface TestServer {
  kind: DatabaseKind;
  kith: Kith;
  /** e.g. http://127.0.0.1:41234 (or the KITH_ORIGIN given) */
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startTestServer(
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const throwaway: ThrowawayDatabase = await createThrowawayDatabase(kind);
  const port = await freePort();
  const config = testConfig({
    HOST: "127.0.0.1",
    PORT: String(port),
    KITH_ORIGIN: `http://127.0.0.1:${port}`,
    ...throwaway.env,
    ...env,
  });
  const kith = await startKith(config, { web: true, worker: true });
  return {
    kind,
    kith,
    url: config.origin,
    async stop() {
      await kith.stop();
      await throwaway.drop();
    },
  };
}

/** Like eachDatabase, with a running server per pass. */
export function eachServer(
  title: string,
  body: (server: () => TestServer) => void,
  options: { env?: Record<string, string> } = {},
): void {
  for (const kind of ["sqlite", "postgres"] as const) {
    const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
    describe(`${title} [${kind}]`, { skip }, () => {
      let server: TestServer | undefined;
      before(async () => {
        server = await startTestServer(kind, options.env);
      });
      after(async () => {
        await server?.stop();
      });
      body(() => {
        if (!server) throw new Error("the server is only available inside tests and hooks");
        return server;
      });
    });
  }
}
