import { describe, expect, it } from "vitest";
import { can, permissionCatalogue, permissions, permissionsOf, roles } from "./permissions";

describe("role-to-permission map", () => {
  it("grants only permissions from the catalogue", () => {
    for (const role of roles) for (const permission of permissionsOf(role)) expect(permissions).toContain(permission);
  });

  it("every permission is held by at least one role", () => {
    for (const permission of permissions) expect(roles.some((role) => can(role, permission)), permission).toBe(true);
  });

  it("auditors can only read, and cannot reveal personal data", () => {
    for (const permission of permissionsOf("auditor")) expect(permission).toMatch(/\.read$/);
    expect(can("auditor", "pii.reveal")).toBe(false);
  });

  it("makers and checkers are separated: no role both creates and approves adjustments", () => {
    for (const role of roles) expect(can(role, "adjustment.create") && can(role, "adjustment.approve"), role).toBe(false);
  });

  it("only admins manage staff", () => {
    expect(roles.filter((role) => can(role, "staff.manage"))).toEqual(["admin"]);
  });

  it("describes every permission", () => {
    for (const permission of permissions) expect(permissionCatalogue[permission].length).toBeGreaterThan(10);
  });
});
