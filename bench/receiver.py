#!/usr/bin/env python3
"""A loopback webhook receiver for benchmarks: answers 200 at once and appends
'arrival_seconds kind obligation scheduledAt dueInstant' per request to a file."""
import http.server, json, sys, time

out = open(sys.argv[2], "a", buffering=1)

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        t = time.time()
        d = json.loads(body).get("data", {})
        out.write(f"{t:.3f} {d.get('kind')} {d.get('obligation')} {d.get('scheduledAt', 0)} {d.get('dueInstant', 0)}\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass

s = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
s.serve_forever()
