#!/usr/bin/env python3
"""Failover time of an obligd cluster (issue #16): KILLS times, SIGKILL the leader and time from the
kill until another node's GET /v1/cluster (over its Unix socket) answers role "leader"; then restart
the killed node with the command line it ran with and wait until it answers role "follower" before
the next kill.

Usage: bench/failover.py KILLS NODEDIR...
Each NODEDIR is a running node's directory as scripts/bench-cluster lays it out: obligd.sock (its
API socket), pid (its process id, rewritten here when the node is restarted) and log (appended to).
Prints one line a kill on stderr, and on stdout "MEDIAN MAX" in seconds (3 decimals)."""
import http.client, json, os, signal, socket, statistics, subprocess, sys, time

kills, dirs = int(sys.argv[1]), sys.argv[2:]
WAIT = 600  # seconds at most for a role to appear (a restart with a large database, a takeover)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=2)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def role(d):
    """The node's own role as its GET /v1/cluster says, or None while it does not answer."""
    conn = UnixConnection(os.path.join(d, "obligd.sock"))
    try:
        conn.request("GET", "/v1/cluster")
        r = conn.getresponse()
        return json.loads(r.read())["role"] if r.status == 200 else None
    except (OSError, http.client.HTTPException, ValueError, KeyError):
        return None
    finally:
        conn.close()


def pid(d):
    with open(os.path.join(d, "pid")) as f:
        return int(f.read())


def wait_for(what, check):
    deadline = time.monotonic() + WAIT
    while True:
        got = check()
        if got is not None: return got
        if time.monotonic() > deadline: raise SystemExit(f"failover: no {what} within {WAIT} s")
        time.sleep(0.01)


children = {}  # node dir -> Popen of the nodes restarted here (reaped after their kill)
times = []
for k in range(1, kills + 1):
    # One leader and the others followers before each kill.
    def steady():
        roles = {d: role(d) for d in dirs}
        leaders = [d for d, r in roles.items() if r == "leader"]
        if len(leaders) == 1 and all(r == "follower" for d, r in roles.items() if d != leaders[0]): return leaders[0]
        return None
    leader = wait_for("one leader and the other nodes followers", steady)
    victim = pid(leader)
    with open(f"/proc/{victim}/cmdline", "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0") if a]
    others = [d for d in dirs if d != leader]
    t0 = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    winner = wait_for("new leader", lambda: next((d for d in others if role(d) == "leader"), None))
    elapsed = time.monotonic() - t0
    times.append(elapsed)
    if leader in children: children.pop(leader).wait()
    # The killed node again, as it was started; until it follows, the next kill waits.
    t1 = time.monotonic()
    with open(os.path.join(leader, "log"), "ab") as log:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    children[leader] = p
    with open(os.path.join(leader, "pid"), "w") as f:
        f.write(f"{p.pid}\n")
    def following():
        if p.poll() is not None:
            raise SystemExit(f"failover: the restarted node in {leader} exited ({p.returncode}); see its log")
        return "yes" if role(leader) == "follower" else None
    wait_for("follower after the restart", following)
    print(f"  kill {k}: leader {os.path.basename(leader)} killed, {os.path.basename(winner)} leads after {elapsed:.3f} s;"
          f" {os.path.basename(leader)} restarted and following in {time.monotonic() - t1:.1f} s", file=sys.stderr, flush=True)
print(f"{statistics.median(times):.3f} {max(times):.3f}")
