#!/usr/bin/env python3
"""Seeds an obligd database (already migrated by obligd) with N open obligations for benchmarks.

Rows look like what obligd writes: custom obligations of entity 'bench' with +30wd periods over
2026, due dates computed by obligctl calc --batch (so a reload recomputes them to the same days),
and the next reminder armed in the future."""
import sqlite3, subprocess, sys, time, random, datetime

db, n, obligctl = sys.argv[1], int(sys.argv[2]), sys.argv[3]
mode = sys.argv[4] if len(sys.argv) > 4 else "spread"
random.seed(7)
# The calendar version obligd records in each obligation's calendars, as the shipped file has it.
import json, pathlib
v2026 = json.loads((pathlib.Path(__file__).parent.parent / "config/calendars/cn/2026.json").read_text())["version"]
con = sqlite3.connect(db)
now = int(time.time())
con.execute("INSERT OR IGNORE INTO entity (id, name, zone, region, labels, createdAt) VALUES ('bench','Bench','Asia/Shanghai','cn','{}',?)", (now,))
if mode == "spread":
    starts = [datetime.date(2026, 1, 1) + datetime.timedelta(days=random.randrange(0, 330)) for _ in range(n)]
    inp = "".join(f"{s.isoformat()} +30wd\n" for s in starts)
    out = subprocess.run([obligctl, "calc", "--batch"], input=inp.encode(), capture_output=True, check=True).stdout.decode().split("\n")
    def rows():
        for i, (s, due) in enumerate(zip(starts, out)):
            d = datetime.date.fromisoformat(due.split()[0])  # "2027-01-06 provisional" for estimated years
            due_instant = int(datetime.datetime(d.year, d.month, d.day, tzinfo=datetime.timezone(datetime.timedelta(hours=8))).timestamp()) + 86400
            # As obligd records them: a due day in 2027 rests on the 2027 estimate and is provisional.
            late = d.year > 2026
            calendars = f'["cn/2026 v{v2026}","cn/2027 estimated"]' if late else f'["cn/2026 v{v2026}"]'
            yield ("bench", None, f"bench {i}", f"custom:bench-{i}", s.isoformat(), "+30wd", None, d.isoformat(), due_instant,
                   calendars, 1 if late else 0, "open", 3, due_instant - 86400 + 3600 + 10 * 365 * 86400, now, now)
elif mode == "events":  # n important_data_notified events and the +2mo obligations rule cn.important-data.assessment derived
    starts = [datetime.date(2026, 1, 1) + datetime.timedelta(days=random.randrange(0, 240)) for _ in range(n)]
    inp = "".join(f"{s.isoformat()} +2mo\n" for s in starts)
    out = subprocess.run([obligctl, "calc", "--batch"], input=inp.encode(), capture_output=True, check=True).stdout.decode().split("\n")
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    first = (con.execute("SELECT coalesce(max(id), 0) FROM event").fetchone()[0]) + 1
    con.executemany("INSERT INTO event (id, entityId, kind, at, atIsDay, ref, attributes, recordedAt) VALUES (?,?,?,?,?,?,?,?)",
                    ((first + i, "bench", "important_data_notified",
                      int(datetime.datetime(s.year, s.month, s.day, tzinfo=shanghai).timestamp()), 1, None, "{}", now)
                     for i, s in enumerate(starts)))
    def rows():
        for i, (s, due) in enumerate(zip(starts, out)):
            d = datetime.date.fromisoformat(due.split()[0])  # "2027-01-06 provisional" for estimated years
            due_instant = int(datetime.datetime(d.year, d.month, d.day, tzinfo=shanghai).timestamp()) + 86400
            yield ("bench", "cn.important-data.assessment", "Declare the important-data security assessment", f"event:{first + i}",
                   s.isoformat(), "+2mo", None, d.isoformat(), due_instant, f'["cn/2026 v{v2026}"]', 0, "open", 3,
                   due_instant - 86400 + 3600 + 10 * 365 * 86400, now, now)
else:  # "same-second": n instant deadlines whose due stage fires at now + int(mode)
    at = now + int(mode)
    def rows():
        for i in range(n):
            yield ("bench", None, f"burst {i}", f"custom:burst-{i}", datetime.datetime.fromtimestamp(at - 60, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "+60s", None, datetime.datetime.fromtimestamp(at, datetime.timezone(datetime.timedelta(hours=8))).date().isoformat(), at,
                   "[]", 0, "open", 3, at, now, now)
con.executemany("""INSERT INTO obligation (entityId, ruleId, title, triggerKey, start, period, roll, due, dueInstant, calendars,
                   provisional, status, nextStageIndex, nextReminderAt, createdAt, updatedAt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows())
con.commit()
print(f"seeded {n} obligations ({mode}) into {db}", file=sys.stderr)
