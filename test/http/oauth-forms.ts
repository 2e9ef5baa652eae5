// A tiny browser for the server-rendered pages: a cookie jar, manual redirects, and the forms
// of a page read from its HTML (fields, CSRF token, buttons) to fill in and submit.
import { Parser } from "htmlparser2";

export interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
  /** checkbox names → values, to tick with `check` */
  checkboxes: { name: string; value: string; checked: boolean }[];
  buttons: { name: string; value: string }[];
}

export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** Every <form> of a page, with its inputs, textareas and submit buttons. */
export function parseForms(html: string): Form[] {
  const forms: Form[] = [];
  let current: Form | null = null;
  let textarea: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, a) {
        if (name === "form") {
          current = {
            action: a.action ?? "",
            method: (a.method ?? "get").toLowerCase(),
            fields: {},
            checkboxes: [],
            buttons: [],
          };
          forms.push(current);
        } else if (!current) {
          return;
        } else if (name === "input" && a.name) {
          const type = (a.type ?? "text").toLowerCase();
          if (type === "checkbox")
            current.checkboxes.push({
              name: a.name,
              value: a.value ?? "on",
              checked: "checked" in a,
            });
          else if (type === "submit") current.buttons.push({ name: a.name, value: a.value ?? "" });
          else current.fields[a.name] = a.value ?? "";
        } else if (name === "textarea" && a.name) {
          textarea = a.name;
          current.fields[a.name] = "";
        } else if (name === "button" && (a.type ?? "submit") === "submit") {
          current.buttons.push({ name: a.name ?? "", value: a.value ?? "" });
        }
      },
      ontext(text) {
        if (current && textarea) current.fields[textarea] += text;
      },
      onclosetag(name) {
        if (name === "textarea") textarea = null;
        if (name === "form") current = null;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return forms;
}

export function formWithAction(html: string, action: string | RegExp): Form {
  const found = parseForms(html).find((f) =>
    typeof action === "string" ? f.action === action : action.test(f.action),
  );
  if (!found) throw new Error(`no form with action ${action} in:\n${html.slice(0, 3000)}`);
  return found;
}

export class Browser {
  readonly base: string;
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];
  /** Extra headers sent with every request, e.g. X-Forwarded-For. */
  headers: Record<string, string> = {};

  constructor(base: string) {
    this.base = base;
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async #request(path: string, init: RequestInit): Promise<Page> {
    const url = path.startsWith("http") ? path : `${this.base}${path}`;
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) headers.set(k, v);
    if (this.cookies.size > 0) headers.set("Cookie", this.#cookieHeader());
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      this.setCookieHeaders.push(line);
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
      location: response.headers.get("Location"),
    };
  }

  get(path: string): Promise<Page> {
    return this.#request(path, { method: "GET" });
  }

  post(path: string, fields: Record<string, string | string[]>): Promise<Page> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) {
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    }
    return this.#request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  }

  /** Fills in a form (hidden fields and defaults kept) and submits it, optionally with a button. */
  submit(
    form: Form,
    values: Record<string, string | string[]> = {},
    button?: { name: string; value: string },
  ): Promise<Page> {
    const fields: Record<string, string | string[]> = { ...form.fields };
    const ticked: Record<string, string[]> = {};
    for (const box of form.checkboxes) if (box.checked) (ticked[box.name] ??= []).push(box.value);
    Object.assign(fields, ticked, values);
    if (button?.name) fields[button.name] = button.value;
    return this.post(form.action, fields);
  }
}
