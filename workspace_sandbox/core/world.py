"""The sandbox's state: one SQLite file that every process shares.

Each API call runs in one transaction (``BEGIN IMMEDIATE``), so the running service, ``coach``
commands and tests see one consistent world across processes and restarts.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

# What a world holds: 2 = Drive files indexed by app properties and parents, 3 = directory
# groups (and the service account's delegation for reading them), 4 = the delegation also reads
# free/busy (calendar.freebusy, for cohort sessions). (Cloud Tasks' waiting tasks moved from
# objects to the ``timed`` table without a new format: a server moves any it finds when it opens
# a world.)
FORMAT = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
DROP INDEX IF EXISTS objects_parent;
CREATE INDEX IF NOT EXISTS objects_parent_key ON objects (kind, parent, key);
CREATE TABLE IF NOT EXISTS refs (
    kind TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (kind, name, value, key)
);
CREATE INDEX IF NOT EXISTS refs_key ON refs (kind, key);
CREATE TABLE IF NOT EXISTS timed (
    kind TEXT NOT NULL, key TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL, hold REAL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS timed_at ON timed (kind, parent, at, key);
CREATE INDEX IF NOT EXISTS timed_hold ON timed (kind, parent, hold);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quota_use (
    grp TEXT NOT NULL, minute INTEGER NOT NULL, who TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (grp, minute, who)
);
CREATE INDEX IF NOT EXISTS quota_use_minute ON quota_use (minute);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Tx:
    """Reads and writes of one transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self.after_commit: list = []

    def get(self, kind: str, key: str) -> dict | None:
        row = self._conn.execute(
            "SELECT data FROM objects WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, kind: str, key: str, data: dict, parent: str = "") -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO objects (kind, key, parent, data) VALUES (?, ?, ?, ?)",
            (kind, key, parent, json.dumps(data, ensure_ascii=False)))

    def delete(self, kind: str, key: str) -> bool:
        cur = self._conn.execute("DELETE FROM objects WHERE kind = ? AND key = ?", (kind, key))
        self._conn.execute("DELETE FROM refs WHERE kind = ? AND key = ?", (kind, key))
        return cur.rowcount > 0

    def index(self, kind: str, key: str, refs) -> None:
        """Make ``key`` findable by each ``(name, value)`` in ``refs`` (replacing what it had)."""
        self._conn.execute("DELETE FROM refs WHERE kind = ? AND key = ?", (kind, key))
        self._conn.executemany(
            "INSERT OR IGNORE INTO refs (kind, name, value, key) VALUES (?, ?, ?, ?)",
            [(kind, name, value, key) for name, value in refs])

    def lookup(self, kind: str, name: str, value: str) -> list[str]:
        """The keys indexed under ``(name, value)``, in key order."""
        return [row[0] for row in self._conn.execute(
            "SELECT key FROM refs WHERE kind = ? AND name = ? AND value = ? ORDER BY key",
            (kind, name, value))]

    def items(self, kind: str, parent: str | None = None) -> list[tuple[str, dict]]:
        """All objects of a kind (optionally with one parent), ordered by key. With a parent it
        reads only that parent's objects (index ``objects_parent_key``: kind, parent, key)."""
        if parent is None:
            rows = self._conn.execute(
                "SELECT key, data FROM objects WHERE kind = ? ORDER BY key", (kind,))
        else:
            rows = self._conn.execute(
                "SELECT key, data FROM objects WHERE kind = ? AND parent = ? ORDER BY key",
                (kind, parent))
        return [(key, json.loads(data)) for key, data in rows]

    def items_slice(self, kind: str, offset: int, limit: int) -> list[tuple[str, dict]]:
        """Objects of a kind in key order from the ``offset``-th, at most ``limit`` (a page,
        without decoding the objects before it)."""
        rows = self._conn.execute(
            "SELECT key, data FROM objects WHERE kind = ? ORDER BY key LIMIT ? OFFSET ?",
            (kind, limit, offset))
        return [(key, json.loads(data)) for key, data in rows]

    def delete_kind(self, kind: str) -> None:
        self._conn.execute("DELETE FROM objects WHERE kind = ?", (kind,))

    # --- keys by time (a schedule): found by when they are due, not by scanning them all -----
    def set_time(self, kind: str, key: str, at: float, hold: float | None = None,
                 parent: str = "") -> None:
        """Make ``key`` due at ``at``; ``hold``, when set, is a time until which it is held
        (it is then neither :meth:`due` nor :meth:`next_time`)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO timed (kind, key, parent, at, hold) VALUES (?, ?, ?, ?, ?)",
            (kind, key, parent, at, hold))

    def time_of(self, kind: str, key: str) -> tuple[float, float | None] | None:
        """``(at, hold)`` of a scheduled key, or None."""
        return self._conn.execute("SELECT at, hold FROM timed WHERE kind = ? AND key = ?",
                                  (kind, key)).fetchone()

    def drop_time(self, kind: str, key: str) -> bool:
        cur = self._conn.execute("DELETE FROM timed WHERE kind = ? AND key = ?", (kind, key))
        return cur.rowcount > 0

    def due(self, kind: str, parent: str, until: float, free_at: float,
            limit: int) -> list[tuple[str, float]]:
        """Up to ``limit`` ``(key, at)`` of one parent due by ``until`` and not held at
        ``free_at``, earliest first (then by key)."""
        return self._conn.execute(
            "SELECT key, at FROM timed WHERE kind = ? AND parent = ? AND at <= ? "
            "AND (hold IS NULL OR hold <= ?) ORDER BY at, key LIMIT ?",
            (kind, parent, until, free_at, limit)).fetchall()

    def count_due(self, kind: str, parent: str, until: float, free_at: float) -> int:
        return self._conn.execute(
            "SELECT COUNT(*) FROM timed WHERE kind = ? AND parent = ? AND at <= ? "
            "AND (hold IS NULL OR hold <= ?)", (kind, parent, until, free_at)).fetchone()[0]

    def count_held(self, kind: str, parent: str, at: float) -> int:
        """How many keys of one parent are held beyond ``at``."""
        return self._conn.execute(
            "SELECT COUNT(*) FROM timed WHERE kind = ? AND parent = ? AND hold > ?",
            (kind, parent, at)).fetchone()[0]

    def next_time(self, kind: str, parent: str, after: float, free_at: float) -> float | None:
        """The earliest time after ``after`` at which a key of one parent (not held at
        ``free_at``) is due, or None."""
        row = self._conn.execute(
            "SELECT at FROM timed WHERE kind = ? AND parent = ? AND at > ? "
            "AND (hold IS NULL OR hold <= ?) ORDER BY at LIMIT 1",
            (kind, parent, after, free_at)).fetchone()
        return row[0] if row else None

    def next_value(self, name: str) -> int:
        """Increment and return a named counter (starts at 1)."""
        self._conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1", (name,))
        return self._conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]

    def add(self, name: str, amount: int = 1) -> int:
        """Add to a named counter and return its new value."""
        self._conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + ?", (name, amount, amount))
        return self._conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]

    def counter(self, name: str) -> int:
        """A named counter's value (0 before its first increment)."""
        row = self._conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return row[0] if row else 0

    def use_quota(self, group: str, minute: int, who: str) -> int:
        """Count one call of ``who`` against ``group`` in ``minute``; the count so far. Minutes
        before the last two are forgotten, so the table stays as small as the organisation."""
        self._conn.execute(
            "INSERT INTO quota_use (grp, minute, who, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT(grp, minute, who) DO UPDATE SET count = count + 1", (group, minute, who))
        self._conn.execute("DELETE FROM quota_use WHERE minute < ?", (minute - 1,))
        return self._conn.execute("SELECT count FROM quota_use WHERE grp = ? AND minute = ? AND "
                                  "who = ?", (group, minute, who)).fetchone()[0]

    def counters(self, prefix: str) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT name, value FROM counters WHERE name LIKE ? ESCAPE '\\'",
            (prefix.replace("_", "\\_").replace("%", "\\%") + "%",))
        return dict(rows.fetchall())

    def clear_counters(self, prefix: str) -> None:
        self._conn.execute(
            "DELETE FROM counters WHERE name LIKE ? ESCAPE '\\'",
            (prefix.replace("_", "\\_").replace("%", "\\%") + "%",))

    def setting(self, name: str, default: Any = None) -> Any:
        row = self._conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, name: str, value: Any) -> None:
        if value is None:
            self._conn.execute("DELETE FROM settings WHERE name = ?", (name,))
        else:
            self._conn.execute("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
                               (name, json.dumps(value)))

    def now(self) -> datetime:
        """The sandbox clock: real UTC time plus an offset tests can advance."""
        return datetime.now(timezone.utc) + timedelta(seconds=self.setting("clock_offset", 0))


class World:
    """A handle on the sandbox state file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One serialised read-write transaction; callbacks in ``tx.after_commit`` run after commit."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        tx = Tx(conn)
        try:
            yield tx
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        for callback in tx.after_commit:
            callback()

    def is_empty(self) -> bool:
        with self.transaction() as tx:
            return tx.setting("seeded_at") is None

    def wipe(self) -> None:
        """Forget everything (objects, counters, settings)."""
        with self.transaction() as tx:
            tx._conn.execute("DELETE FROM objects")
            tx._conn.execute("DELETE FROM refs")
            tx._conn.execute("DELETE FROM timed")
            tx._conn.execute("DELETE FROM quota_use")
            tx._conn.execute("DELETE FROM counters")
            tx._conn.execute("DELETE FROM settings")
