export * from "./staff";
export * from "./audit";
export * from "./system";
export * from "./idempotency";
export * from "./customers";
export * from "./ledger";
export * from "./outbox";
export * from "./approvals";
