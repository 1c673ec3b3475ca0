import { headers } from "next/headers";
import type { ReactNode } from "react";
import { ConsoleShell } from "@/components/shell/console-shell";
import { requireSignedIn } from "@/server/auth/page-access";
import { permissionsOf } from "@/server/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const path = (await headers()).get("x-countersign-path") ?? "/";
  const session = await requireSignedIn(path);
  return (
    <ConsoleShell user={{ displayName: session.displayName, role: session.role, permissions: [...permissionsOf(session.role)] }}>
      {children}
    </ConsoleShell>
  );
}
