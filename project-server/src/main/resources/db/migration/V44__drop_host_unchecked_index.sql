-- (host_id, unchecked) served one query only: the recheck of a trusted host's unchecked results after it returned
-- an invalid one, which is rare. Every INSERT and UPDATE of a result changed this index all the same (H2 updates
-- every index of a table on each UPDATE, whether its columns changed or not). The recheck now finds the host's
-- results through ix_results_host and filters them: a host has thousands of results, not millions.
DROP INDEX ix_results_host_unchecked;
