GRANT SELECT, INSERT ON approval_policies, approval_decisions TO countersign_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON approval_requests TO countersign_app;
--> statement-breakpoint
CREATE TRIGGER approval_policies_refuse_update_delete BEFORE UPDATE OR DELETE ON approval_policies
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
CREATE TRIGGER approval_decisions_refuse_update_delete BEFORE UPDATE OR DELETE ON approval_decisions
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE approval_policies ENABLE ALWAYS TRIGGER approval_policies_refuse_update_delete;
--> statement-breakpoint
ALTER TABLE approval_decisions ENABLE ALWAYS TRIGGER approval_decisions_refuse_update_delete;
--> statement-breakpoint
-- What a request asks for never changes after creation; only its status moves, forward.
CREATE OR REPLACE FUNCTION approval_requests_guard_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  approvals integer;
BEGIN
  IF NEW.payload IS DISTINCT FROM OLD.payload OR NEW.payload_hash IS DISTINCT FROM OLD.payload_hash
     OR NEW.maker_id IS DISTINCT FROM OLD.maker_id OR NEW.kind IS DISTINCT FROM OLD.kind
     OR NEW.approvals_required IS DISTINCT FROM OLD.approvals_required OR NEW.approver_roles IS DISTINCT FROM OLD.approver_roles
     OR NEW.account_id IS DISTINCT FROM OLD.account_id OR NEW.amount IS DISTINCT FROM OLD.amount
     OR NEW.currency IS DISTINCT FROM OLD.currency OR NEW.direction IS DISTINCT FROM OLD.direction THEN
    RAISE EXCEPTION 'approval request %: what was requested cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status <> 'pending' AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'approval request % is already %', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status = 'executed' AND OLD.status <> 'executed' THEN
    SELECT count(DISTINCT d.approver_id) INTO approvals
      FROM approval_decisions d
     WHERE d.request_id = NEW.id AND d.decision = 'approve' AND d.approver_id <> NEW.maker_id
       AND d.payload_hash = NEW.payload_hash;
    IF approvals < NEW.approvals_required THEN
      RAISE EXCEPTION 'approval request % has % of % distinct approvals; it cannot execute', NEW.id, approvals, NEW.approvals_required
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_requests_guard_update BEFORE UPDATE ON approval_requests
  FOR EACH ROW EXECUTE FUNCTION approval_requests_guard_update();
--> statement-breakpoint
CREATE TRIGGER approval_requests_refuse_delete BEFORE DELETE ON approval_requests
  FOR EACH ROW EXECUTE FUNCTION countersign_refuse_change();
--> statement-breakpoint
ALTER TABLE approval_requests ENABLE ALWAYS TRIGGER approval_requests_guard_update;
--> statement-breakpoint
ALTER TABLE approval_requests ENABLE ALWAYS TRIGGER approval_requests_refuse_delete;
--> statement-breakpoint
-- Separation of duties in the database: the maker never decides their own request, a decision binds
-- to the payload hash the request holds, and decisions close when the request leaves pending.
CREATE OR REPLACE FUNCTION approval_decisions_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  request record;
BEGIN
  SELECT maker_id, payload_hash, status INTO request FROM approval_requests WHERE id = NEW.request_id;
  IF request.maker_id = NEW.approver_id THEN
    RAISE EXCEPTION 'separation of duties: the maker of request % cannot decide it', NEW.request_id USING ERRCODE = 'check_violation';
  END IF;
  IF request.payload_hash <> NEW.payload_hash THEN
    RAISE EXCEPTION 'decision on request % names payload hash %, the request holds another', NEW.request_id, NEW.payload_hash
      USING ERRCODE = 'check_violation';
  END IF;
  IF request.status <> 'pending' THEN
    RAISE EXCEPTION 'request % is %; decisions are closed', NEW.request_id, request.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER approval_decisions_check BEFORE INSERT ON approval_decisions
  FOR EACH ROW EXECUTE FUNCTION approval_decisions_check();
--> statement-breakpoint
ALTER TABLE approval_decisions ENABLE ALWAYS TRIGGER approval_decisions_check;
--> statement-breakpoint
-- The initial policy. First matching rule wins; amounts are decimal strings in the rule's currency.
INSERT INTO approval_policies (version, rules, daily_caps, expiry_hours, created_by) VALUES (1,
'[
  {"id": "chargeback-four-eyes", "description": "Chargebacks always need two checkers", "reasonCodes": ["chargeback"], "approvalsRequired": 2, "approverRoles": ["compliance"]},
  {"id": "small-EUR", "description": "Up to 500.00 EUR: one checker", "currency": "EUR", "maxAmount": "500.00", "approvalsRequired": 1, "approverRoles": ["compliance"]},
  {"id": "small-USD", "description": "Up to 500.00 USD: one checker", "currency": "USD", "maxAmount": "500.00", "approvalsRequired": 1, "approverRoles": ["compliance"]},
  {"id": "small-GBP", "description": "Up to 400.00 GBP: one checker", "currency": "GBP", "maxAmount": "400.00", "approvalsRequired": 1, "approverRoles": ["compliance"]},
  {"id": "small-JPY", "description": "Up to 75000 JPY: one checker", "currency": "JPY", "maxAmount": "75000", "approvalsRequired": 1, "approverRoles": ["compliance"]},
  {"id": "default-four-eyes", "description": "Everything else: two checkers", "approvalsRequired": 2, "approverRoles": ["compliance"]}
]'::jsonb,
'{"EUR": "10000.00", "USD": "10000.00", "GBP": "8000.00", "CHF": "10000.00", "SEK": "100000.00", "JPY": "1500000", "BHD": "4000.000", "BTC": "0.50000000"}'::jsonb,
72, 'migration')
ON CONFLICT (version) DO NOTHING;
