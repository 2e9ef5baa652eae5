// Server-sent events: GET /api/v1/streaming/{user, user/notification, public[/local|/remote],
// hashtag[/local], list, direct}, one stream per request, and /api/v1/streaming/health.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { parseStream, StreamRequestError } from "../../domain/streaming/streams.ts";
import type { AppEnv } from "../auth.ts";
import { sseStreamLimited } from "../middleware/rate-limit.ts";
import { authenticateStream, streamingToken } from "./auth.ts";
import { SseClient } from "./client.ts";
import { streamingHub } from "./hub.ts";

/** The stream each path serves; `only_media` turns the public ones into their media streams. */
const PATHS: Record<string, string> = {
  user: "user",
  "user/notification": "user:notification",
  public: "public",
  "public/local": "public:local",
  "public/remote": "public:remote",
  hashtag: "hashtag",
  "hashtag/local": "hashtag:local",
  list: "list",
  direct: "direct",
};

/** A reader that stops reading is dropped rather than buffered for. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export function streamingRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/streaming/health", (c) => c.text("OK"));

  for (const [path, stream] of Object.entries(PATHS)) {
    app.get(`/api/v1/streaming/${path}`, async (c) => {
      const query = new URL(c.req.url).searchParams;
      const token = streamingToken({ authorization: c.req.header("Authorization"), query });
      if (sseStreamLimited(ctx, c, token)) return c.json({ error: "Too many requests" }, 429);
      const onlyMedia = ["1", "true"].includes(query.get("only_media") ?? "");
      const name = onlyMedia && stream.startsWith("public") ? `${stream}:media` : stream;
      const hub = streamingHub(ctx);
      const encoder = new TextEncoder();
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      let open = true;
      const finish = () => {
        if (!open) return;
        open = false;
        hub.remove(client);
        try {
          controller.close();
        } catch {
          // already closed by the reader going away
        }
      };
      const body = new ReadableStream<Uint8Array>(
        {
          start: (c) => {
            controller = c;
          },
          cancel: finish,
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
      );
      const write = (text: string) => {
        if (!open) return;
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) finish();
        else controller.enqueue(encoder.encode(text));
      };
      let client: SseClient;
      try {
        const auth = await authenticateStream(ctx, token);
        const spec = parseStream(name, {
          tag: query.get("tag") ?? undefined,
          list: query.get("list") ?? undefined,
        });
        client = new SseClient(auth, write, finish);
        await hub.ready();
        await hub.subscribe(client, spec);
      } catch (error) {
        if (error instanceof StreamRequestError)
          return c.json({ error: error.message }, error.status);
        throw error;
      }
      hub.add(client);
      c.req.raw.signal.addEventListener("abort", finish);
      write(":)\n");
      return new Response(body, {
        headers: {
          "Content-Type": "text/event-stream",
          "Cache-Control": "no-store",
          "X-Accel-Buffering": "no",
        },
      });
    });
  }
  return app;
}
