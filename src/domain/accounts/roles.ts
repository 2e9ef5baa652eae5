// Kith's three roles as Mastodon's Role entity: the @everyone base role and the seeded
// Moderator and Admin roles, with Mastodon's permission bits (docs: entities/Role).
import type { Role } from "../../db/schema.ts";
import { ROLE_PERMISSIONS } from "../moderation/permissions.ts";

export interface RoleInfo {
  id: string;
  name: string;
  color: string;
  /** decimal bitmask, as a string */
  permissions: string;
  highlighted: boolean;
}

export function roleInfo(role: Role): RoleInfo {
  switch (role) {
    case "admin":
      return {
        id: "2",
        name: "Admin",
        color: "",
        permissions: String(ROLE_PERMISSIONS.admin),
        highlighted: true,
      };
    case "moderator":
      return {
        id: "1",
        name: "Moderator",
        color: "",
        permissions: String(ROLE_PERMISSIONS.moderator),
        highlighted: true,
      };
    default:
      return {
        id: "-99",
        name: "",
        color: "",
        permissions: String(ROLE_PERMISSIONS.user),
        highlighted: false,
      };
  }
}
