/**
 * The permission catalogue and the role-to-permission map: the only place that decides who may do
 * what. Procedures name one permission each; anything not granted here is denied.
 * This file has no server-only imports so the console can hide what a role cannot use.
 */
export const permissionCatalogue = {
  "ledger.read": "Search transactions, read accounts and statements",
  "customer.read": "Read customers with personal data masked",
  "pii.reveal": "Reveal a customer's personal data, with a reason",
  "adjustment.create": "Raise a manual balance adjustment (maker)",
  "adjustment.approve": "Approve or reject manual adjustments (checker)",
  "adjustment.read": "Read adjustment requests and queues",
  "policy.manage": "Propose approval policy and threshold changes",
  "deadletter.read": "Inspect dead-lettered jobs",
  "deadletter.replay": "Replay, discard or edit dead-lettered jobs",
  "recon.read": "Read reconciliation reports and exceptions",
  "recon.run": "Import statements, run reconciliation, work exceptions",
  "monitor.read": "Read integrity monitors and alerts",
  "alert.manage": "Acknowledge and resolve alerts",
  "audit.read": "Read the audit trail and verify the chain",
  "staff.manage": "List staff, create accounts, change roles, disable accounts",
} as const;

export type Permission = keyof typeof permissionCatalogue;
export const permissions = Object.keys(permissionCatalogue) as Permission[];

export const roles = ["support", "compliance", "finance", "operations", "auditor", "admin"] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  support: "Support",
  compliance: "Compliance",
  finance: "Finance",
  operations: "Operations",
  auditor: "Auditor",
  admin: "Administrator",
};

const rolePermissions: Record<Role, readonly Permission[]> = {
  support: ["ledger.read", "customer.read", "adjustment.create", "adjustment.read"],
  compliance: [
    "ledger.read", "customer.read", "pii.reveal", "adjustment.read", "adjustment.approve",
    "policy.manage", "audit.read", "monitor.read",
  ],
  finance: [
    "ledger.read", "customer.read", "adjustment.create", "adjustment.read", "recon.read", "recon.run",
    "monitor.read",
  ],
  operations: ["ledger.read", "deadletter.read", "deadletter.replay", "monitor.read", "alert.manage"],
  // Auditors read everything and change nothing: only *.read permissions, and no reveal of PII.
  auditor: [
    "ledger.read", "customer.read", "adjustment.read", "deadletter.read", "recon.read", "monitor.read",
    "audit.read",
  ],
  admin: ["staff.manage", "audit.read", "monitor.read", "policy.manage"],
};

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set(rolePermissions[role]);
}

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

export function rolesWith(permission: Permission): Role[] {
  return roles.filter((role) => can(role, permission));
}
