"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { usePermissions } from "../shell/use-permissions";
import { errorMessage, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { MonitorCards } from "./monitor-cards";
import { OpenAlerts } from "./open-alerts";
import { ThresholdsPanel } from "./thresholds-panel";

export function IntegrityPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { has } = usePermissions();
  const checkNow = useMutation(
    trpc.monitoring.checkNow.mutationOptions({
      onSuccess: async (run) => {
        if (run.skipped) toast.info("A check is already running; its results will show in a moment.");
        else toast.success(`Checked ${run.results.length} monitors.`);
        await queryClient.invalidateQueries({ queryKey: trpc.monitoring.pathKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold">Integrity</h1>
          <p className="text-sm text-slate-600">Financial integrity monitors, checked by the worker every minute. A crossing opens one alert until a person resolves it. Times are UTC.</p>
        </div>
        {has("alert.manage") ? (
          <Button onClick={() => checkNow.mutate({})} disabled={checkNow.isPending}>
            {checkNow.isPending ? "Checking…" : "Check now"}
          </Button>
        ) : null}
      </header>
      <OpenAlerts />
      <MonitorCards />
      <ThresholdsPanel />
    </div>
  );
}
