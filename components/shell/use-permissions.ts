"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import type { Permission } from "@/server/auth/permissions";
import { useTRPC } from "../trpc";

/** The signed-in role's permissions as the console layout rendered them, so nothing waits or flickers. */
export const ShellPermissions = createContext<readonly Permission[]>([]);

/**
 * What the signed-in person may do: auth.me's answer once it arrives, the layout's until then. Only
 * for showing and hiding; the server checks every call again.
 */
export function usePermissions(): { has: (permission: Permission) => boolean } {
  const trpc = useTRPC();
  const shell = useContext(ShellPermissions);
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const granted = new Set<string>(me.data?.permissions ?? shell);
  return { has: (permission) => granted.has(permission) };
}
