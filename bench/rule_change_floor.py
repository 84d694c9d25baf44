#!/usr/bin/env python3
"""What SQLite alone costs for the writes of a rule change, with no Swift and no date arithmetic: a
floor for scripts/bench-rule-change. Run on a copy of a database seeded by bench/seed.py (events mode),
with the moved due days faked (+30 days). Two shapes, each on its own copy:

  rows  obligd's shape: per move one UPDATE of the obligation, one hash-chained audit row with the
        whole record before and after, one outbox notice; 12,800 moves a transaction (what
        Recomputation's batches settle at), WAL, synchronous=FULL, a 32 MiB cache.
  set   the cheapest shape: every move in one transaction, one UPDATE ... FROM a temporary table,
        narrow audit rows (due before and after only), no outbox rows.
  set-noindex  the same with the due indexes of obligation dropped before the UPDATE and built
        again after it (one sort each instead of a million index moves).
Each line also gives the time SQLite alone took: the total less the Python that builds the rows.

Usage: rule_change_floor.py DB"""
import hashlib, json, os, shutil, sqlite3, sys, time, uuid

RULE = "cn.important-data.assessment"


def connect(path):
    c = sqlite3.connect(path, isolation_level=None)
    for p in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "cache_size=-32768"):
        c.execute("PRAGMA " + p)
    return c


def moves(c):
    return c.execute(f"SELECT id, dueInstant, due, calendars, start FROM obligation WHERE ruleId='{RULE}' AND status='open' ORDER BY id").fetchall()


def rows(path):
    c = connect(path)
    ms = moves(c)
    spent = dict(update=0.0, audit=0.0, outbox=0.0, commit=0.0)
    tip = "0" * 64
    t0 = time.perf_counter()
    for s in range(0, len(ms), 12800):
        c.execute("BEGIN")
        for i, d, due, cal, start in ms[s:s + 12800]:
            t = time.perf_counter()
            c.execute("UPDATE obligation SET title=?, start=?, period=?, roll=?, due=?, dueInstant=?, calendars=?, provisional=?, "
                      "status=?, nextStageIndex=?, nextReminderAt=?, closedOn=?, closedNote=?, updatedAt=? WHERE id=?",
                      (RULE, start, "+3mo", None, due, d + 30 * 86400, cal, 0, "open", 3, d + 30 * 86400 + 3600, None, None, 1, i))
            t1 = time.perf_counter()
            record = json.dumps(dict(calendars=cal, due=due, dueInstant=d, entityId="bench", id=i, period="+2mo", ruleId=RULE,
                                     start=start, status="open", title="Declare the important-data security assessment",
                                     triggerKey=f"event:{i}", updatedAt=1), sort_keys=True)
            note = f"moved from {due} to {due}: rule {RULE} changed: period +2mo -> +3mo"
            tip = hashlib.sha256((tip + note + record + record).encode()).hexdigest()
            c.execute("INSERT INTO audit (at, actor, action, subject, before, after, note, hash) VALUES (?,?,?,?,?,?,?,?)",
                      (1, "reload", "obligation.moved", f"obligation:{i}", record, record, note, tip))
            t2 = time.perf_counter()
            payload = json.dumps(dict(kind="obligation.moved", obligation=i, entity="bench", rule=RULE, due=due, dueInstant=d,
                                      detail=dict(reason=note)))
            c.execute("INSERT INTO outbox (id, createdAt, kind, obligationId, payload) VALUES (?, ?, 'obligation.moved', ?, ?)",
                      (str(uuid.uuid4()), 1, i, payload))
            t3 = time.perf_counter()
            spent["update"] += t1 - t
            spent["audit"] += t2 - t1
            spent["outbox"] += t3 - t2
        t = time.perf_counter()
        c.execute("COMMIT")
        spent["commit"] += time.perf_counter() - t
    total = time.perf_counter() - t0
    print(f"rows: {len(ms)} moves in {total:.1f} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()))


DUE_INDEXES = ("obligation_open_due", "obligation_rule_open_due", "obligation_next_reminder")


def set_based(path, drop_indexes=False):
    c = connect(path)
    t0 = time.perf_counter()
    ms = moves(c)
    c.execute("BEGIN")
    c.execute("CREATE TEMP TABLE moves (id INTEGER PRIMARY KEY, due TEXT, dueInstant INT, nextAt INT)")
    c.executemany("INSERT INTO moves VALUES (?,?,?,?)", ((i, due, d + 30 * 86400, d + 30 * 86400 + 3600) for i, d, due, _, _ in ms))
    t1 = time.perf_counter()
    marks = ",".join("?" * len(DUE_INDEXES))
    indexes = c.execute(f"SELECT name, sql FROM sqlite_master WHERE type='index' AND name IN ({marks})", DUE_INDEXES).fetchall()
    for name, _ in indexes if drop_indexes else ():
        c.execute(f"DROP INDEX {name}")
    c.execute("UPDATE obligation SET period='+3mo', due=moves.due, dueInstant=moves.dueInstant, nextReminderAt=moves.nextAt, "
              "updatedAt=1 FROM moves WHERE obligation.id = moves.id")
    for _, sql in indexes if drop_indexes else ():
        c.execute(sql)
    t2 = time.perf_counter()
    tip = "0" * 64
    rows = []
    for i, d, due, _, _ in ms:
        note = f"moved from {due} to {due}: rule {RULE} changed: period +2mo -> +3mo"
        tip = hashlib.sha256((tip + note).encode()).hexdigest()
        rows.append((1, "reload", "obligation.moved", f"obligation:{i}", f'{{"due":"{due}"}}', f'{{"due":"{due}"}}', note, tip))
    python = time.perf_counter() - t2
    c.executemany("INSERT INTO audit (at, actor, action, subject, before, after, note, hash) VALUES (?,?,?,?,?,?,?,?)", rows)
    t3 = time.perf_counter()
    c.execute("COMMIT")
    t4 = time.perf_counter()
    name = "set-noindex" if drop_indexes else "set"
    print(f"{name}: {len(ms)} moves in {t4 - t0:.1f} s, SQLite alone {t4 - t0 - python:.1f} s: read and temporary table "
          f"{t1 - t0:.1f} s, update{' with the indexes built again' if drop_indexes else ''} {t2 - t1:.1f} s, "
          f"audit {t3 - t2 - python:.1f} s (and {python:.1f} s of Python making the rows), commit {t4 - t3:.1f} s")


db = sys.argv[1]
for name, run in (("rows", rows), ("set", set_based), ("set-noindex", lambda p: set_based(p, drop_indexes=True))):
    copy = f"{db}.{name}"
    shutil.copyfile(db, copy)
    try:
        run(copy)
    finally:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(copy + suffix):
                os.remove(copy + suffix)
