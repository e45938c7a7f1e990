-- The background passes read their work in steps of at most 2,000 rows after a cursor (PassCursor): the work units
-- to validate in id order, the validated ones to merge in the order of their canonical result, the flagged ones in
-- id order. With (state) and (transition_needed) alone the database read every work unit in that state and sorted
-- them to keep 2,000 (169,334 rows read for 2,000 with a backlog of validation); with the order's columns added it
-- reads only the rows it keeps. Both replace the index they extend, so the other queries on state or the flag keep
-- theirs; H2 updates every index of a table on each UPDATE anyway, so keeping them costs about the same.
DROP INDEX IF EXISTS ix_work_units_state;
CREATE INDEX ix_work_units_state_canonical_id ON work_units (state, canonical_result_id, id);
DROP INDEX IF EXISTS ix_work_units_transition;
CREATE INDEX ix_work_units_transition_id ON work_units (transition_needed, id);
