-- A store written by formkit 0.1 (commit 7606108, schema 1, before campaigns): sqlite3 .dump
BEGIN TRANSACTION;
CREATE TABLE allocations (record_key TEXT PRIMARY KEY, meeting_id TEXT, venue TEXT NOT NULL, outcome TEXT NOT NULL, position INTEGER, received TEXT, received_source TEXT NOT NULL, late INTEGER NOT NULL, note TEXT NOT NULL, allocated_at TEXT NOT NULL);
INSERT INTO "allocations" VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1','gotha','Gotha','seat',1,NULL,'unknown',0,'','x');
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    field TEXT NOT NULL,                -- a value name, or 'status'
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    corrected_at TEXT NOT NULL,
    corrected_by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE images (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    field TEXT NOT NULL,                -- '' for the whole (registered) page
    png BLOB NOT NULL,
    PRIMARY KEY (sha256, page, field)
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('schema_version','1');
CREATE TABLE person_keys (
    key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    source TEXT NOT NULL,
    seq INTEGER NOT NULL,               -- order of storing: the earliest record of a person wins
    PRIMARY KEY (key, sha256, page)
);
INSERT INTO "person_keys" VALUES('gross kaethe|','aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',1,'fax.tif',1);
CREATE TABLE readings (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    confidence REAL NOT NULL,
    method TEXT NOT NULL,
    state TEXT,
    score REAL,
    PRIMARY KEY (sha256, page, field)
);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,              -- 1-based; 0 for a file-level rejection
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'review', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    layout_id TEXT NOT NULL DEFAULT '',
    layout_version INTEGER,
    recipient_id TEXT NOT NULL DEFAULT '',
    values_json TEXT NOT NULL DEFAULT '{}',
    confidence REAL,
    match_id TEXT NOT NULL DEFAULT '',
    match_score REAL,
    received TEXT,
    sender TEXT NOT NULL DEFAULT '',
    file_time TEXT,
    UNIQUE (sha256, page)
);
INSERT INTO "records" VALUES(1,'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',1,'fax.tif','ok','','ocr','registration',1,'R0005','{"name": "Käthe Groß", "venue": "Gotha"}',0.9,'',NULL,NULL,'',NULL);
CREATE TABLE sources (
    sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    received TEXT,
    sender TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0,
    pages_without_form INTEGER NOT NULL DEFAULT 0,
    stored_at TEXT NOT NULL
);
INSERT INTO "sources" VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','fax.tif',10,NULL,'',1,0,'2026-11-30T21:36:04+00:00');
CREATE INDEX person_keys_first ON person_keys (key, seq);
CREATE INDEX records_source ON records (source);
CREATE INDEX corrections_record ON corrections (sha256, page);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('records',1);
COMMIT;
