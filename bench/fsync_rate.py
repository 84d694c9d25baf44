#!/usr/bin/env python3
"""The raw rate of durable single-row SQLite transactions (WAL, synchronous=FULL) on this disk."""
import sqlite3, sys, time, os
path = os.path.join(sys.argv[1], "fsync-bench.sqlite")
for suffix in ("", "-wal", "-shm"):
    try: os.remove(path + suffix)
    except FileNotFoundError: pass
con = sqlite3.connect(path, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=FULL")
con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
n, t0 = 0, time.time()
while time.time() - t0 < float(sys.argv[2]):
    con.execute("BEGIN"); con.execute("INSERT INTO t (v) VALUES (?)", (n,)); con.execute("COMMIT"); n += 1
print(f"{n / (time.time() - t0):.0f}")
