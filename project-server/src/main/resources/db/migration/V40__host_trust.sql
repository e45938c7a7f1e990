-- Host trust and adaptive replication (docs/trust.md): one row per host and app.
CREATE TABLE host_app_trust (
    host_id            BIGINT       NOT NULL REFERENCES hosts (id),
    app                VARCHAR(100) NOT NULL,
    consecutive_valid  INTEGER      DEFAULT 0 NOT NULL,
    valid_results      INTEGER      DEFAULT 0 NOT NULL,
    invalid_results    INTEGER      DEFAULT 0 NOT NULL,
    error_results      INTEGER      DEFAULT 0 NOT NULL,
    daily_quota        INTEGER      NOT NULL,
    PRIMARY KEY (host_id, app)
);

-- A result sent as the only replica of its work unit to a trusted host, accepted without comparison; it is
-- checked again when its host later returns an invalid result.
ALTER TABLE results ADD COLUMN unchecked BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX ix_results_host_unchecked ON results (host_id, unchecked);
CREATE INDEX ix_results_host_sent ON results (host_id, sent_at);
