// Mastodon's role permission bits (docs: entities/Role) and which of Kith's three roles holds
// which. Every admin endpoint and command asks `requirePermission` for the bit it needs, so a
// moderator can handle reports and users but not federation policy or server settings.
import type { Role } from "../../db/schema.ts";
import { forbidden } from "../errors.ts";
import type { Viewer } from "../viewer.ts";

export const PERMISSIONS = {
  administrator: 0x1,
  devops: 0x2,
  view_audit_log: 0x4,
  view_dashboard: 0x8,
  manage_reports: 0x10,
  manage_federation: 0x20,
  manage_settings: 0x40,
  manage_blocks: 0x80,
  manage_taxonomies: 0x100,
  manage_appeals: 0x200,
  manage_users: 0x400,
  manage_invites: 0x800,
  manage_rules: 0x1000,
  manage_announcements: 0x2000,
  manage_custom_emojis: 0x4000,
  manage_webhooks: 0x8000,
  invite_users: 0x10000,
  manage_roles: 0x20000,
  manage_user_access: 0x40000,
  delete_user_data: 0x80000,
} as const;

export type Permission = keyof typeof PERMISSIONS;

const P = PERMISSIONS;

/** The bits each role holds, as Mastodon seeds its default Moderator and Admin roles. */
export const ROLE_PERMISSIONS: Record<Role, number> = {
  user: P.invite_users,
  moderator:
    P.invite_users |
    P.view_dashboard |
    P.view_audit_log |
    P.manage_users |
    P.manage_reports |
    P.manage_taxonomies,
  admin: P.administrator | P.invite_users,
};

/** Administrator implies every other bit. */
export function roleHas(role: Role, permission: Permission): boolean {
  const bits = ROLE_PERMISSIONS[role];
  return (bits & P.administrator) !== 0 || (bits & P[permission]) !== 0;
}

export const hasPermission = (viewer: Viewer | null, permission: Permission) =>
  viewer !== null && roleHas(viewer.role, permission);

/** The viewer, if their role holds `permission`; else Mastodon's 403. */
export function requirePermission(viewer: Viewer, permission: Permission): Viewer {
  if (!roleHas(viewer.role, permission)) throw forbidden();
  return viewer;
}
