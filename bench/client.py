#!/usr/bin/env python3
"""Load generator for obligd's Unix-socket API: C concurrent keep-alive clients post metric reports
for D seconds; prints acknowledged writes per second."""
import http.client, json, socket, sys, threading, time

class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)

def worker(path, entity, seconds, counts, idx):
    conn = UnixHTTPConnection(path)
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        body = json.dumps({"entity": entity, "metric": "registered_users", "value": idx * 10_000_000 + n})
        conn.request("POST", "/v1/metrics", body, {"Content-Type": "application/json"})
        r = conn.getresponse(); r.read()
        if r.status != 201: raise SystemExit(f"HTTP {r.status}")
        n += 1
    counts[idx] = n

path, clients, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
counts = [0] * clients
threads = [threading.Thread(target=worker, args=(path, "bench", seconds, counts, i)) for i in range(clients)]
t0 = time.time()
for t in threads: t.start()
for t in threads: t.join()
print(f"{sum(counts) / (time.time() - t0):.0f}")
