import "server-only";
import type { Database } from "@/db/client";
import type { RequestMeta } from "../audit/append-audit-event";
import type { StaffSession } from "../auth/sessions";

export interface Context {
  db: Database;
  session: StaffSession | null;
  request: RequestMeta;
}
