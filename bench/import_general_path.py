#!/usr/bin/env python3
"""One large POST /v1/import to a running obligd, for the cost of the general path (escaped strings,
which the fast reader leaves to Foundation) against the fast one. Creates 200 entities e0..e199.
Usage: import_general_path.py SOCKET ROWS ESCAPE(1|0); read VmHWM from /proc/PID/status after."""
import http.client, json, socket, sys, time
path, n, escape = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
class Unix(http.client.HTTPConnection):
    def __init__(self): super().__init__("localhost", timeout=600)
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(path)
def request(method, url, body=None):
    c = Unix(); c.request(method, url, body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); c.close(); return r.status, data
for i in range(200): request("POST", "/v1/entities", json.dumps({"id": f"e{i}", "name": f"E{i}"}))
recs = [{"type": "event", "entity": f"e{k % 200}", "kind": "network_log_written", "at": f"2025-{1 + k % 12:02d}-{1 + k % 28:02d}T00:00:{k % 60:02d}Z",
         "ref": ("r\u00e9f-" if escape else "ref-") + str(k)} for k in range(n)]
body = json.dumps({"records": recs})  # ensure_ascii: \u00e9 escapes force the general path
t = time.time(); s, d = request("POST", "/v1/import", body); print(s, d[:200], f"{len(body)/1e6:.1f} MB in {time.time()-t:.1f}s")
