"use client";

import { LogOut, ShieldCheck } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { cn } from "@/lib/cn";
import { roleLabels, type Permission, type Role } from "@/server/auth/permissions";
import { NavApprovalCounts } from "../approvals/approval-counts";
import { PipelineHealthIndicator } from "../deadletters/pipeline-health-indicator";
import { AlertIndicator } from "../monitoring/alert-indicator";
import { useTRPC } from "../trpc";
import { navigation } from "./navigation";
import { ShellPermissions } from "./use-permissions";

export interface ShellUser {
  displayName: string;
  role: Role;
  permissions: Permission[];
}

export function ConsoleShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const trpc = useTRPC();
  const endSession = useMutation(trpc.auth.signOut.mutationOptions());
  const mainRef = useRef<HTMLElement>(null);
  const visible = navigation.filter((item) => item.permission === null || user.permissions.includes(item.permission));
  const groups = [...new Set(visible.map((item) => item.group))];

  useEffect(() => {
    // "/" focuses the page's search box, wherever the page put it.
    function onKey(event: KeyboardEvent) {
      if (event.key !== "/" || event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      const search = mainRef.current?.querySelector<HTMLInputElement>("input[type=search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // The most specific item whose page this is: /reconciliation/exceptions is Exceptions, not Reconciliation.
  const activeHref = visible
    .filter((item) => (item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`)))
    .reduce<string | null>((best, item) => (best === null || item.href.length > best.length ? item.href : best), null);

  return (
    <div className="flex min-h-screen bg-slate-50">
      <aside className="flex w-56 shrink-0 flex-col bg-slate-900 text-slate-200">
        <div className="flex items-center gap-2 px-4 py-4 text-white">
          <ShieldCheck className="size-5 text-indigo-400" aria-hidden />
          <span className="text-sm font-semibold tracking-wide">Countersign</span>
        </div>
        <nav aria-label="Console" className="flex-1 px-2">
          {groups.map((group) => (
            <div key={group} className="mb-3">
              <p className="px-2 pb-1 text-[11px] font-semibold uppercase tracking-wider text-slate-400">{group}</p>
              <ul>
                {visible
                  .filter((item) => item.group === group)
                  .map((item) => {
                    const active = item.href === activeHref;
                    return (
                      <li key={item.href}>
                        <Link
                          href={item.href}
                          aria-current={active ? "page" : undefined}
                          className={cn(
                            "flex items-center justify-between gap-2 rounded px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-indigo-400",
                            active ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white",
                          )}
                        >
                          <span>{item.label}</span>
                          {item.counts === "approvals" ? <NavApprovalCounts /> : null}
                        </Link>
                      </li>
                    );
                  })}
              </ul>
            </div>
          ))}
        </nav>
        <div className="border-t border-slate-800 px-4 py-3 text-sm">
          <p className="font-medium text-white" data-testid="current-user">
            {user.displayName}
          </p>
          <p className="text-xs text-slate-400" data-testid="current-role">
            {roleLabels[user.role]}
          </p>
          <button
            type="button"
            className="mt-2 inline-flex items-center gap-1.5 rounded text-xs text-slate-300 hover:text-white focus-visible:outline-2 focus-visible:outline-indigo-400"
            disabled={endSession.isPending}
            onClick={async () => {
              await endSession.mutateAsync(undefined).catch(() => undefined);
              await signOut({ callbackUrl: "/sign-in" });
            }}
          >
            <LogOut className="size-3.5" aria-hidden /> Sign out
          </button>
        </div>
      </aside>
      <main ref={mainRef} className="min-w-0 flex-1 px-8 py-6">
        <ShellPermissions value={user.permissions}>
          <div className="mb-3 flex justify-end gap-3 empty:hidden">
            <AlertIndicator />
            <PipelineHealthIndicator />
          </div>
          {children}
        </ShellPermissions>
      </main>
    </div>
  );
}
