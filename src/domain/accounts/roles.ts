// Kith's three roles as Mastodon's Role entity: the @everyone base role and the seeded
// Moderator and Admin roles, with Mastodon's permission bits (docs: entities/Role).
import type { Role } from "../../db/schema.ts";

export interface RoleInfo {
  id: string;
  name: string;
  color: string;
  /** decimal bitmask, as a string */
  permissions: string;
  highlighted: boolean;
}

const INVITE_USERS = 0x10000; // what @everyone may do
const ADMINISTRATOR = 0x1; // implies every other permission
// View dashboard, view audit log, manage reports, manage taxonomies, manage users.
const MODERATOR = 0x8 | 0x4 | 0x10 | 0x100 | 0x400;

export function roleInfo(role: Role): RoleInfo {
  switch (role) {
    case "admin":
      return {
        id: "2",
        name: "Admin",
        color: "",
        permissions: String(ADMINISTRATOR | INVITE_USERS),
        highlighted: true,
      };
    case "moderator":
      return {
        id: "1",
        name: "Moderator",
        color: "",
        permissions: String(MODERATOR | INVITE_USERS),
        highlighted: true,
      };
    default:
      return {
        id: "-99",
        name: "",
        color: "",
        permissions: String(INVITE_USERS),
        highlighted: false,
      };
  }
}
