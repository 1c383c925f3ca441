-- Page sessions a user can see and end (issue 15): each gets a public id (the cookie's hash stays
-- the lookup key and is never shown), when it was last used (the idle expiry), and the browser
-- and address it was opened from. Sessions open before this migration end with it: everyone
-- signs in once more.
DROP TABLE sessions;
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    id_hash       TEXT NOT NULL UNIQUE,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    user_agent    TEXT NOT NULL,
    client_ip     TEXT
);
CREATE INDEX sessions_user ON sessions(user_id, created_at);
CREATE INDEX sessions_expiry ON sessions(expires_at);
-- A user's tokens are listed on their account page.
CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at);
