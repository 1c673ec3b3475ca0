/** Where a use case says what its audit record is about; the mutation builder writes the record. */
export interface AuditScope {
  target(type: string, id: string): void;
  details(details: Record<string, unknown>): void;
}
