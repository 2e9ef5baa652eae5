// Checks Kith's JSON against the Mastodon OpenAPI description kept beside the project in
// ../shared/fixtures/mastodon-openapi (see the README there). The file is read where it lies
// and never copied into the repository; a clone without it skips these checks via
// OPENAPI_SKIP_REASON.
//
//   describe("statuses", { skip: OPENAPI_SKIP_REASON }, () => { … });
//   await validateResponse("GET", "/api/v1/accounts/1", res.status, await res.json(), {
//     allow: { "/*/moved": "why this gap is acceptable" },
//   });
import { AssertionError } from "node:assert";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

export const OPENAPI_SCHEMA_PATH = join(
  import.meta.dirname,
  "../../../shared/fixtures/mastodon-openapi/schema.json",
);

/** A skip message for `describe(…, { skip: OPENAPI_SKIP_REASON })`, or false when the file is there. */
export const OPENAPI_SKIP_REASON: string | false = existsSync(OPENAPI_SCHEMA_PATH)
  ? false
  : `Mastodon OpenAPI schema not found at ${OPENAPI_SCHEMA_PATH}; schema checks skipped (it lives in the shared fixtures, outside the repository)`;

export interface ValidateOptions {
  /**
   * Known, accepted gaps: JSON-pointer pattern → reason. A pattern such as
   * `/configuration/vapid/public_key` or `/*\/account/moved` (`*` matches any one segment,
   * e.g. an array index) allows violations at that location and anywhere below it.
   */
  allow?: Record<string, string>;
}

/** One way in which a value departs from the schema. */
export interface Violation {
  /** JSON pointer into the validated value; for a missing property, the property's own pointer. */
  pointer: string;
  message: string;
}

const SCHEMA_ID = "mastodon";

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is typed
// as the module object although at run time it is the plugin function itself.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/** A violation as found; `type` is set for a type mismatch, to tell oneOf branches apart. */
type Found = Violation & { type?: string };

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface PathTemplate {
  template: string;
  segments: (string | null)[]; // null = a `{parameter}` segment
}

interface Loaded {
  ajv: Ajv2020;
  doc: OpenApiDocument;
  templates: PathTemplate[];
  validators: Map<string, ValidateFunction>;
  branchValidators: Map<unknown, ValidateFunction>;
}

let loading: Promise<Loaded> | undefined;

function load(): Promise<Loaded> {
  loading ??= (async () => {
    if (OPENAPI_SKIP_REASON) throw new Error(OPENAPI_SKIP_REASON);
    const doc = JSON.parse(await readFile(OPENAPI_SCHEMA_PATH, "utf8")) as OpenApiDocument;
    // strict: false because this is an OpenAPI document, not a bare JSON Schema; verbose so
    // that oneOf errors carry their branches (see collect()).
    const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
    addFormats(ajv);
    ajv.addFormat("iso-639-1", /^[a-z]{2}$/);
    ajv.addFormat("scopes", true);
    ajv.addSchema(doc as object, SCHEMA_ID);
    const templates = Object.keys(doc.paths).map((template) => ({
      template,
      segments: template
        .split("/")
        .map((segment) => (/^\{[^}]+\}$/.test(segment) ? null : segment)),
    }));
    return { ajv, doc, templates, validators: new Map(), branchValidators: new Map() };
  })();
  return loading;
}

const escapeSegment = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");

function validatorAt(loaded: Loaded, pointer: string[]): ValidateFunction {
  const ref = `${SCHEMA_ID}#/${pointer.map((s) => encodeURIComponent(escapeSegment(s))).join("/")}`;
  let validate = loaded.validators.get(ref);
  if (!validate) {
    validate = loaded.ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema at ${ref}`);
    loaded.validators.set(ref, validate);
  }
  return validate;
}

/** The documented path template a concrete path falls under; literal segments win over `{id}`. */
function matchTemplate(templates: PathTemplate[], path: string): PathTemplate | undefined {
  const segments = path.split("/");
  const candidates = templates.filter(
    (t) =>
      t.segments.length === segments.length &&
      t.segments.every((s, i) => s === null || s === segments[i]),
  );
  candidates.sort((a, b) => {
    for (let i = 0; i < a.segments.length; i++) {
      const la = a.segments[i] !== null;
      const lb = b.segments[i] !== null;
      if (la !== lb) return la ? -1 : 1;
    }
    return 0;
  });
  return candidates[0];
}

function normalisePath(path: string): string {
  let p = /^https?:\/\//.test(path) ? new URL(path).pathname : path.replace(/[?#].*$/, "");
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/**
 * Asserts that `body`, returned with `status` by `method path`, matches what the Mastodon
 * docs promise for that operation (the response for that status, else `default`). Throws an
 * AssertionError listing every violation not excused by `options.allow`, and also when the
 * route, method or status is not documented at all. A documented status without a JSON body
 * schema (e.g. 410 Gone) passes with any body.
 */
export async function validateResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
  options: ValidateOptions = {},
): Promise<void> {
  const loaded = await load();
  const concrete = normalisePath(path);
  const verb = method.toLowerCase();
  const label = `${method.toUpperCase()} ${concrete} → ${status}`;
  const template = matchTemplate(loaded.templates, concrete);
  if (!template) {
    throw new AssertionError({
      message: `${label}: no path in the Mastodon OpenAPI schema matches ${concrete}`,
      operator: "validateResponse",
    });
  }
  const pathItem = loaded.doc.paths[template.template]!;
  const operation = pathItem[verb] as Operation | undefined;
  if (!operation || typeof operation !== "object") {
    throw new AssertionError({
      message: `${label}: ${template.template} documents no ${verb.toUpperCase()} (only ${Object.keys(
        pathItem,
      )
        .map((m) => m.toUpperCase())
        .join(", ")})`,
      operator: "validateResponse",
    });
  }
  const responses = operation.responses ?? {};
  const code = [String(status), `${String(status)[0]}XX`, "default"].find((c) => c in responses);
  if (!code) {
    throw new AssertionError({
      message: `${label}: status ${status} is not documented for ${verb.toUpperCase()} ${template.template} (documented: ${Object.keys(responses).join(", ")})`,
      operator: "validateResponse",
    });
  }
  const content = responses[code]!.content ?? {};
  const mediaType =
    "application/json" in content
      ? "application/json"
      : Object.keys(content).find((t) => /[/+]json\b/.test(t));
  if (!mediaType || content[mediaType]!.schema === undefined) return;
  const validate = validatorAt(loaded, [
    "paths",
    template.template,
    verb,
    "responses",
    code,
    "content",
    mediaType,
    "schema",
  ]);
  report(
    loaded,
    validate,
    body,
    options,
    `${label} does not match #/paths/${escapeSegment(template.template)}/${verb}/responses/${code}`,
  );
}

/** Asserts that `value` matches `#/components/schemas/<entityName>` (e.g. "Account", "Status"). */
export async function validateEntity(
  entityName: string,
  value: unknown,
  options: ValidateOptions = {},
): Promise<void> {
  const loaded = await load();
  if (!Object.hasOwn(loaded.doc.components.schemas, entityName)) {
    throw new Error(`the Mastodon OpenAPI schema has no component schema named ${entityName}`);
  }
  const validate = validatorAt(loaded, ["components", "schemas", entityName]);
  report(loaded, validate, value, options, `${entityName} does not match the Mastodon schema`);
}

function report(
  loaded: Loaded,
  validate: ValidateFunction,
  value: unknown,
  options: ValidateOptions,
  heading: string,
): void {
  const allowed = compileAllow(options.allow ?? {});
  const violations: Violation[] = collect(loaded, validate, value, "", allowed)
    .filter((v) => !allowed(v.pointer))
    .map(({ pointer, message }) => ({ pointer, message }));
  if (violations.length === 0) return;
  const lines = violations.map((v) => `  ${v.pointer || "(root)"}: ${v.message}`);
  throw new AssertionError({
    message: `${heading}: ${violations.length} violation${violations.length === 1 ? "" : "s"}\n${lines.join("\n")}`,
    actual: violations,
    expected: [],
    operator: "validateAgainstOpenApi",
  });
}

function compileAllow(allow: Record<string, string>): (pointer: string) => boolean {
  const patterns = Object.entries(allow).map(([pattern, reason]) => {
    if (typeof reason !== "string" || reason.trim() === "") {
      throw new Error(`allow-list entry ${pattern} needs a reason`);
    }
    if (pattern !== "" && !pattern.startsWith("/")) {
      throw new Error(`allow-list entry ${pattern} must be a JSON pointer starting with /`);
    }
    return pattern === "" ? [] : pattern.slice(1).split("/");
  });
  return (pointer) => {
    const segments = pointer === "" ? [] : pointer.slice(1).split("/");
    return patterns.some(
      (p) => p.length <= segments.length && p.every((s, i) => s === "*" || s === segments[i]),
    );
  };
}

/**
 * The violations of `value` (found at `base` in the whole document) against `validate`.
 * Ajv reports every branch of a failed oneOf, e.g. both "must be null" and the Account's own
 * errors for a nullable `moved`; that is noise, and it would defeat the allow-list. So each
 * outermost failed oneOf/anyOf is re-validated branch by branch: if some branch holds apart
 * from allowed gaps the location is fine, otherwise the closest branch's violations stand.
 */
function collect(
  loaded: Loaded,
  validate: ValidateFunction,
  value: unknown,
  base: string,
  allowed: (pointer: string) => boolean,
): Found[] {
  if (validate(value)) return [];
  const errors: ErrorObject[] = validate.errors ? [...validate.errors] : [];
  const under = (pointer: string, root: string) =>
    pointer === root || pointer.startsWith(`${root}/`);
  const choices = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  const roots = new Set(
    choices
      .map((e) => e.instancePath)
      .filter((p) => !choices.some((o) => o.instancePath !== p && under(p, o.instancePath))),
  );
  const result: Found[] = [];
  for (const e of errors) {
    const root = [...roots].find((r) => under(e.instancePath, r));
    if (root === undefined) result.push(toViolation(e, base));
    else if (e.instancePath === root && (e.keyword === "oneOf" || e.keyword === "anyOf")) {
      // Branch errors come before their oneOf error; the choice is resolved once, here.
      roots.delete(root);
      result.push(...resolveChoice(loaded, e, base + root, allowed));
    }
  }
  return result;
}

function resolveChoice(
  loaded: Loaded,
  choice: ErrorObject,
  pointer: string,
  allowed: (pointer: string) => boolean,
): Found[] {
  const branches = Array.isArray(choice.schema) ? (choice.schema as unknown[]) : [];
  if (branches.length === 0) return [{ ...toViolation(choice, ""), pointer }];
  const outcomes = branches.map((branch) => {
    const all = collect(loaded, branchValidator(loaded, branch), choice.data, pointer, allowed);
    const open = all.filter((v) => !allowed(v.pointer));
    // A branch rejected only for its type at this very location is not the one meant.
    const typeMismatch = open.length > 0 && open.every((v) => v.pointer === pointer && v.type);
    return { strict: all.length === 0, open, typeMismatch };
  });
  // Ajv only fails a oneOf that no branch or several branches satisfy.
  const strict = outcomes.filter((o) => o.strict).length;
  if (choice.keyword === "oneOf" && strict > 1) {
    return [{ pointer, message: `matches ${strict} schemas of a oneOf, must match exactly one` }];
  }
  // Some branch holds apart from allowed gaps: nothing to report here.
  if (outcomes.some((o) => o.open.length === 0)) return [];
  const meant = outcomes.filter((o) => !o.typeMismatch);
  if (meant.length === 0) {
    const types = outcomes.flatMap((o) => o.open.map((v) => v.type)).filter(Boolean);
    const message = `must be ${[...new Set(types)].join(" or ")} (got ${preview(choice.data)})`;
    return [{ pointer, message }];
  }
  meant.sort((a, b) => a.open.length - b.open.length);
  return meant[0]!.open;
}

function branchValidator(loaded: Loaded, branch: unknown): ValidateFunction {
  let validate = loaded.branchValidators.get(branch);
  if (!validate) {
    // Branches come from inside the document: point their local refs back at it.
    const rebased = JSON.parse(JSON.stringify(branch), (key, v) =>
      key === "$ref" && typeof v === "string" && v.startsWith("#") ? `${SCHEMA_ID}${v}` : v,
    );
    validate = loaded.ajv.compile(rebased);
    loaded.branchValidators.set(branch, validate);
  }
  return validate;
}

function toViolation(e: ErrorObject, base: string): Found {
  if (e.keyword === "required") {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    return {
      pointer: `${base}${e.instancePath}/${escapeSegment(missing)}`,
      message: `is required but missing`,
    };
  }
  const shown = ["type", "format", "enum", "const", "pattern"].includes(e.keyword)
    ? ` (got ${preview(e.data)})`
    : "";
  const violation: Found = { pointer: base + e.instancePath, message: `${e.message}${shown}` };
  if (e.keyword === "type") {
    const { type } = e.params as { type: string | string[] };
    violation.type = Array.isArray(type) ? type.join(" or ") : type;
  }
  return violation;
}

function preview(data: unknown): string {
  const text = data === undefined ? "undefined" : JSON.stringify(data);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
