import { Badge } from "../ui/badge";

export function SeverityBadge({ severity }: { severity: "warning" | "critical" }) {
  return <Badge tone={severity === "critical" ? "danger" : "warning"}>{severity === "critical" ? "Critical" : "Warning"}</Badge>;
}

export function AlertStatusBadge({ status, cleared }: { status: "open" | "acknowledged" | "resolved"; cleared: boolean }) {
  if (status === "resolved") return <Badge tone="neutral">Resolved</Badge>;
  return (
    <span className="inline-flex gap-1">
      <Badge tone={status === "open" ? "danger" : "info"}>{status === "open" ? "Open" : "Acknowledged"}</Badge>
      {cleared ? <Badge tone="success">Back to OK</Badge> : null}
    </span>
  );
}
