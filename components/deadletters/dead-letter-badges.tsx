import type { DeadLetterSummary } from "@/server/deadletters/schemas";
import { Badge, type BadgeTone } from "../ui/badge";

const statusTones: Record<DeadLetterSummary["status"], BadgeTone> = {
  dead: "danger",
  queued: "info",
  replaying: "info",
  replayed: "success",
  discarded: "neutral",
};

export function DeadLetterStatusBadge({ status }: { status: DeadLetterSummary["status"] }) {
  return <Badge tone={statusTones[status]}>{status}</Badge>;
}

/** Why an action is unavailable to this role, said where the button is. */
export const needsReplayReason = "Needs deadletter.replay";
