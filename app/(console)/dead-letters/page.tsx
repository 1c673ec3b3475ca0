import type { Metadata } from "next";
import { Suspense } from "react";
import { DeadLetterWorkbench } from "@/components/deadletters/dead-letter-workbench";
import { MissingPermission } from "@/components/shell/missing-permission";
import { pageAccess } from "@/server/auth/page-access";

export const metadata: Metadata = { title: "Dead letters" };

export default async function DeadLettersPage() {
  const access = await pageAccess("deadletter.read", "/dead-letters");
  if (!access.allowed) return <MissingPermission permission={access.permission} role={access.session.role} />;
  return (
    <Suspense>
      <DeadLetterWorkbench />
    </Suspense>
  );
}
