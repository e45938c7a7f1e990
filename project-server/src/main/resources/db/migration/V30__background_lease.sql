-- Several server nodes may share one database (docs/admin-guide.md, "Scaling out"). The background passes
-- (transitioner, validator, assimilator, credit) run on one node at a time: the one holding this lease. A node
-- renews the lease before every pass; when it stops renewing (it died), another node takes over once the lease
-- has expired.
CREATE TABLE background_lease (
    name        VARCHAR(40)              PRIMARY KEY,
    holder      VARCHAR(200)             NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
