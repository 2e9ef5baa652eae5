// Kith's own static files (default avatar and header, the instance thumbnail), cached for a day.
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { Hono } from "hono";

const PUBLIC_DIR = join(import.meta.dirname, "..", "..", "public");
const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".css": "text/css",
  ".svg": "image/svg+xml",
};

export function staticRoutes(): Hono {
  const app = new Hono();
  app.get("/static/:file{[a-z0-9_-]+\\.(png|css|svg)}", async (c) => {
    const file = c.req.param("file");
    try {
      const body = await readFile(join(PUBLIC_DIR, file));
      c.header("Cache-Control", "public, max-age=86400");
      c.header("Content-Type", TYPES[extname(file)] ?? "application/octet-stream");
      return c.body(body);
    } catch {
      return c.json({ error: "Record not found" }, 404);
    }
  });
  return app;
}
