"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { toast } from "sonner";
import { roleLabels, roles, type Role } from "@/server/auth/permissions";
import type { StaffView } from "@/server/staff/schemas";
import { errorMessage, useTRPC } from "../trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { CopyId } from "../ui/copy-id";
import { DataTable } from "../ui/data-table";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";
import { UtcTime } from "../ui/time";
import { CreateStaffDialog } from "./create-staff-dialog";
import { DisableStaffDialog } from "./disable-staff-dialog";

export function StaffAdmin({ currentStaffId }: { currentStaffId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.staff.list.queryOptions({ limit: 200 }));
  const [creating, setCreating] = useState(false);
  const [disabling, setDisabling] = useState<StaffView | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.staff.list.queryKey() });
  const changeRole = useMutation(
    trpc.staff.changeRole.mutationOptions({
      onSuccess: (member) => {
        toast.success(`${member.displayName} is now ${roleLabels[member.role]}.`);
        void refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  const columns: ColumnDef<StaffView, unknown>[] = [
    {
      header: "Name",
      accessorKey: "displayName",
      cell: ({ row }) => (
        <span className="flex flex-col">
          <span className="font-medium">{row.original.displayName}</span>
          <span className="text-xs text-slate-600">{row.original.email}</span>
        </span>
      ),
    },
    { header: "Id", accessorKey: "id", cell: ({ row }) => <CopyId value={row.original.id} short /> },
    {
      header: "Role",
      accessorKey: "role",
      cell: ({ row }) => {
        const member = row.original;
        const self = member.id === currentStaffId;
        return (
          <select
            aria-label={`Role of ${member.displayName}`}
            className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm disabled:bg-slate-50"
            value={member.role}
            disabled={self || member.status === "disabled" || changeRole.isPending}
            title={self ? "You cannot change your own role" : undefined}
            onChange={(event) => changeRole.mutate({ staffId: member.id, role: event.target.value as Role })}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleLabels[role]}
              </option>
            ))}
          </select>
        );
      },
    },
    {
      header: "Status",
      accessorKey: "status",
      cell: ({ row }) => <Badge tone={row.original.status === "active" ? "success" : "neutral"}>{row.original.status}</Badge>,
    },
    {
      header: "Last seen",
      accessorKey: "lastSeenAt",
      cell: ({ row }) => (row.original.lastSeenAt ? <UtcTime value={row.original.lastSeenAt} showAge /> : <span className="text-slate-500">never</span>),
    },
    {
      header: "",
      id: "actions",
      cell: ({ row }) => {
        const member = row.original;
        if (member.status === "disabled") return null;
        const self = member.id === currentStaffId;
        return (
          <Button variant="secondary" size="sm" disabled={self} title={self ? "You cannot disable your own account" : undefined} onClick={() => setDisabling(member)}>
            Disable
          </Button>
        );
      },
    },
  ];

  return (
    <div className="flex flex-col gap-4">
      <header className="flex items-end justify-between">
        <div>
          <h1 className="text-xl font-semibold">Staff</h1>
          <p className="text-sm text-slate-600">Accounts, roles and access. Every change is audited; disabling ends open sessions at once.</p>
        </div>
        <Button onClick={() => setCreating(true)}>Add staff member</Button>
      </header>
      {list.isPending ? <Skeleton /> : null}
      {list.error ? <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title="No staff accounts yet." /> : null}
      {list.data && list.data.items.length > 0 ? <DataTable caption="Staff accounts" columns={columns} data={list.data.items} getRowId={(row) => row.id} /> : null}
      <CreateStaffDialog open={creating} onClose={() => setCreating(false)} onCreated={() => void refresh()} />
      <DisableStaffDialog member={disabling} onClose={() => setDisabling(null)} onDisabled={() => void refresh()} />
    </div>
  );
}
