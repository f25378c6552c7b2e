-- Version 1: the store as the gateway first made it (agents, the create
-- journal, the audit, who booked what). IF NOT EXISTS because a store made
-- before the schema had versions holds these tables at user_version 0: this
-- step finds them, changes nothing, and records version 1.
CREATE TABLE IF NOT EXISTS agents (
	name       TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS attempts (
	external_id TEXT PRIMARY KEY,
	agent       TEXT NOT NULL,
	request     TEXT NOT NULL,
	since       TEXT NOT NULL,
	state       TEXT NOT NULL,          -- sending | made | refused
	status      INTEGER NOT NULL DEFAULT 0,
	body        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS audit (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	at          TEXT NOT NULL,
	agent       TEXT NOT NULL,
	action      TEXT NOT NULL,          -- create | cancel
	external_id TEXT NOT NULL DEFAULT '',
	booking_id  TEXT NOT NULL DEFAULT '',
	request     TEXT NOT NULL DEFAULT '',
	status      INTEGER NOT NULL DEFAULT 0,
	outcome     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS bookings (
	id       TEXT PRIMARY KEY,
	agent    TEXT NOT NULL
);
