#!/usr/bin/env python3
"""Seeds a running obligd for the audit-pack benchmark through its API, so every obligation has the
audit rows obligd writes: N important_data_notified events of entity 'bench' over 2026 (one
obligation each, by import), then a tenth closed with a small evidence file, a tenth waived and a
tenth acknowledged, over one keep-alive connection.
Usage: report_seed.py SOCKET N OBLIGCTL"""
import base64, http.client, json, random, socket, subprocess, sys, tempfile, datetime

path, n, obligctl = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(7)

class UnixConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)

conn = UnixConnection("localhost")
def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, url, body=data, headers={"Content-Type": "application/json"} if data else {})
    r = conn.getresponse()
    payload = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {url}: {r.status} {payload[:300]!r}")
    return json.loads(payload) if payload else None

call("POST", "/v1/entities", {"id": "bench", "name": "Bench 科技"})
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    for i in range(n):
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=random.randrange(0, 240))
        f.write(json.dumps({"type": "event", "entity": "bench", "kind": "important_data_notified", "at": day.isoformat(),
                            "ref": f"n{i}"}) + "\n")
subprocess.run([obligctl, "import", f.name], check=True, stdout=subprocess.DEVNULL)
ids = [o["id"] for o in call("GET", "/v1/obligations?entity=bench&status=open&limit=1000000")]
receipt = base64.b64encode(b"%PDF-1.7 filing receipt " + bytes(range(256)) * 8).decode()
tenth = len(ids) // 10
for i in ids[:tenth]:
    call("POST", f"/v1/obligations/{i}/done", {"evidence": [{"name": f"receipt-{i}.pdf", "mediaType": "application/pdf",
         "content": receipt}], "reference": f"44-{i}"})
for i in ids[tenth:2 * tenth]:
    call("POST", f"/v1/obligations/{i}/waive", {"note": "not in scope"})
for i in ids[2 * tenth:3 * tenth]:
    call("POST", f"/v1/obligations/{i}/ack", {"note": "on it"})
print(f"seeded {len(ids)} obligations: {tenth} done with evidence, {tenth} waived, {tenth} acknowledged", file=sys.stderr)
