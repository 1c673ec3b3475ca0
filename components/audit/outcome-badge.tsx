import { Badge } from "../ui/badge";

const tones = { success: "success", denied: "warning", failed: "danger" } as const;

export function OutcomeBadge({ outcome }: { outcome: "success" | "denied" | "failed" }) {
  return <Badge tone={tones[outcome]}>{outcome}</Badge>;
}
