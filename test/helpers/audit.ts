// The audit log as a test reads it: [action, target label, actor] for each entry that
// GET /api/v1/admin/audit_log gives for `query` (newest first).
import assert from "node:assert/strict";
import { api } from "./users.ts";

export async function auditTrail(
  base: string,
  token: string,
  query: string,
): Promise<[string, string, string][]> {
  const r = await api(base, "GET", `/api/v1/admin/audit_log?${query}`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.map((e: { action: string; target_label: string; actor: string }) => [
    e.action,
    e.target_label,
    e.actor,
  ]);
}
