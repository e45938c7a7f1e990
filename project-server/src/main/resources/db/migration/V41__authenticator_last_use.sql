-- When an authenticator was last used: unused for authenticator.idle.days it expires (docs/security.md).
-- Updated at most once an hour per authenticator, so requests do not all write.
ALTER TABLE authenticators ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
UPDATE authenticators SET last_used_at = created_at;
