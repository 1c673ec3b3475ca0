import { Badge } from "../ui/badge";

const tones = { verified: "success", pending: "warning", rejected: "danger", expired: "neutral" } as const;

export function KycBadge({ status }: { status: keyof typeof tones }) {
  return <Badge tone={tones[status]}>KYC {status}</Badge>;
}
