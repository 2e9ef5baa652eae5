// Request parameters as Mastodon clients send them: JSON bodies, urlencoded or multipart forms
// with Rails-style keys (`media_ids[]`, `poll[options][]`, `fields_attributes[0][name]`), and
// query strings. All come out as one nested object for a zod schema to check.
import type { Context } from "hono";
import { DomainError } from "../domain/errors.ts";

export type Params = Record<string, unknown>;

function keyPath(key: string): string[] {
  const first = key.indexOf("[");
  if (first <= 0) return [key];
  const path = [key.slice(0, first)];
  for (const m of key.slice(first).matchAll(/\[([^\]]*)\]/g)) path.push(m[1]!);
  return path;
}

/** Builds a nested object from flat Rails-style pairs. An empty segment (`[]`) appends. */
export function nest(pairs: Iterable<[string, unknown]>): Params {
  const root: Params = {};
  for (const [key, value] of pairs) {
    const path = keyPath(key);
    let node: Params | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const last = i === path.length - 1;
      if (segment === "__proto__" || segment === "constructor" || segment === "prototype") break;
      if (Array.isArray(node)) {
        if (last) node.push(value);
        else {
          // `a[][b]` starts a new element when the current last one already has `b`.
          const next = path[i + 1]!;
          let tail = node[node.length - 1] as Params | undefined;
          if (!tail || typeof tail !== "object" || next in tail) node.push((tail = {}));
          node = tail;
        }
        continue;
      }
      if (last) {
        node[segment] = value;
      } else {
        const wantArray = path[i + 1] === "";
        const existing = node[segment];
        if (existing === undefined || typeof existing !== "object" || existing === null) {
          node[segment] = wantArray ? [] : {};
        }
        node = node[segment] as Params | unknown[];
      }
    }
  }
  return root;
}

/** Query-string parameters, nested. */
export function queryParams(c: Context): Params {
  const url = new URL(c.req.url);
  return nest(url.searchParams.entries());
}

/** Body parameters (JSON or form), nested, merged over the query string as Rails does. */
export async function bodyParams(c: Context): Promise<Params> {
  const type = (c.req.header("Content-Type") ?? "").toLowerCase();
  const query = queryParams(c);
  if (type.includes("application/json")) {
    const text = await c.req.text();
    if (text.trim() === "") return query;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new DomainError("bad_request", "Malformed JSON in request body");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new DomainError("bad_request", "The request body must be a JSON object");
    }
    return { ...query, ...(body as Params) };
  }
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new DomainError("bad_request", "Malformed form data in request body");
    }
    return { ...query, ...nest(form.entries()) };
  }
  return query;
}

/** Mastodon accepts true/false, "1"/"0", "true"/"false", "on". */
export function toBool(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  const s = String(value).toLowerCase();
  if (["1", "true", "on", "yes", "t"].includes(s)) return true;
  if (["0", "false", "off", "no", "f"].includes(s)) return false;
  return undefined;
}
