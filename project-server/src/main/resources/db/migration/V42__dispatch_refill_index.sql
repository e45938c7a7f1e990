-- The dispatch queue refills from unsent results in id order after a cursor. With (server_state, deadline) the
-- database read and sorted every unsent result to keep the first 2,000 (seconds a refill with a million unsent
-- results); with id as a third column, the refill (which also asks for deadline IS NULL, as every unsent result
-- has) reads only the rows it keeps. The deadline pass uses the same index as before; the index orders its rows
-- the same way as the one it replaces, so keeping it up to date costs the same.
DROP INDEX ix_results_state_deadline;
CREATE INDEX ix_results_state_deadline_id ON results (server_state, deadline, id);
