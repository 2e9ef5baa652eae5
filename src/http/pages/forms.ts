// Small pieces shared by the server-rendered forms: the CSRF field, text inputs with their
// errors, and reading a submitted form as plain strings.
import type { Context as HonoContext } from "hono";
import { html } from "hono/html";
import { bodyParams, type Params } from "../params.ts";
import type { Html } from "./layout.ts";

export type FieldErrors = Record<string, { error: string; description: string }[]>;

export const csrfField = (token: string) =>
  html`<input type="hidden" name="authenticity_token" value="${token}" />`;

export const hidden = (name: string, value: string | null | undefined) =>
  value ? html`<input type="hidden" name="${name}" value="${value}" />` : "";

export function errorsFor(errors: FieldErrors | undefined, field: string): Html | "" {
  const list = errors?.[field];
  if (!list?.length) return "";
  return html`<p class="error" id="${field}-error">${list.map((e) => e.description).join(", ")}</p>`;
}

export function input(o: {
  name: string;
  label: string;
  type?: string;
  value?: string | undefined;
  errors?: FieldErrors | undefined;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
}): Html {
  return html`<label for="${o.name}">${o.label}</label>
    <input id="${o.name}" name="${o.name}" type="${o.type ?? "text"}" value="${o.value ?? ""}"
      ${o.required ? html`required` : ""} ${o.autocomplete ? html`autocomplete="${o.autocomplete}"` : ""}
      ${o.maxlength ? html`maxlength="${o.maxlength}"` : ""} />
    ${o.hint ? html`<p class="hint">${o.hint}</p>` : ""} ${errorsFor(o.errors, o.name)}`;
}

/** A submitted form; values that are not strings (files, nested keys) read as "". */
export async function readForm(
  c: HonoContext,
): Promise<{ get(key: string): string; params: Params }> {
  let params: Params = {};
  try {
    params = await bodyParams(c);
  } catch {
    // A malformed body is treated as an empty form: the CSRF check then refuses it.
  }
  return {
    params,
    get: (key) => {
      const value = params[key];
      return typeof value === "string" ? value : "";
    },
  };
}
