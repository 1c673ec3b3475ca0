import type { Permission } from "@/server/auth/permissions";

export interface NavItem {
  href: string;
  label: string;
  /** The permission a role needs to see and use the page; null means every signed-in role. */
  permission: Permission | null;
  group: string;
  /** Live counts the shell shows beside the label. */
  counts?: "approvals";
}

/** The console's pages by domain; the shell shows a role only what it may use. */
export const navigation: NavItem[] = [
  { href: "/", label: "Overview", permission: null, group: "Console" },
  { href: "/transactions", label: "Transactions", permission: "ledger.read", group: "Ledger" },
  { href: "/approvals", label: "Approvals", permission: "adjustment.read", group: "Controls", counts: "approvals" },
  { href: "/policy", label: "Policy", permission: "policy.manage", group: "Controls" },
  { href: "/reconciliation", label: "Reconciliation", permission: "recon.read", group: "Finance" },
  { href: "/reconciliation/exceptions", label: "Exceptions", permission: "recon.read", group: "Finance" },
  { href: "/dead-letters", label: "Dead letters", permission: "deadletter.read", group: "Operations" },
  { href: "/integrity", label: "Integrity", permission: "monitor.read", group: "Operations" },
  { href: "/audit", label: "Audit trail", permission: "audit.read", group: "Governance" },
  { href: "/admin/staff", label: "Staff", permission: "staff.manage", group: "Administration" },
];
