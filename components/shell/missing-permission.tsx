import { Lock } from "lucide-react";
import { permissionCatalogue, roleLabels, rolesWith, type Permission, type Role } from "@/server/auth/permissions";

export function MissingPermission({ permission, role }: { permission: Permission; role: Role }) {
  const holders = rolesWith(permission).map((holder) => roleLabels[holder]);
  return (
    <section aria-labelledby="missing-permission" className="mx-auto mt-16 max-w-lg rounded-lg border border-amber-300 bg-amber-50 p-6">
      <div className="flex items-center gap-2 text-amber-900">
        <Lock className="size-5" aria-hidden />
        <h1 id="missing-permission" className="text-base font-semibold">
          This page needs the <code className="font-mono">{permission}</code> permission
        </h1>
      </div>
      <p className="mt-2 text-sm text-amber-900">
        Your role, {roleLabels[role]}, does not have it. It allows: {permissionCatalogue[permission].toLowerCase()}.
      </p>
      <p className="mt-2 text-sm text-amber-900">Roles that have it: {holders.join(", ") || "none"}. The attempt has been recorded in the audit trail.</p>
    </section>
  );
}
