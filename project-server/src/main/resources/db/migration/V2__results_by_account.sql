-- The scheduler asks which work units an account already holds, once per request.
CREATE INDEX ix_results_account_work_unit ON results (account_id, work_unit_id);
