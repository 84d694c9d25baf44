#!/usr/bin/env python3
"""Load generator for obligd's Unix-socket API: C concurrent keep-alive clients post metric reports
for D seconds; prints acknowledged writes per second.

Each client is one keep-alive connection that sends a complete HTTP/1.1 request (headers and the
full JSON body), waits for the whole response (status line, headers, Content-Length body) and checks
for 201 before it sends its next one. The connections are driven from one thread with a selector
rather than 32 threads over http.client: with the GIL, 32 threads of http.client took most of one of
the machine's two cores, so the generator measured itself as much as obligd."""
import json, selectors, socket, sys, time

path, clients, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

class Client:
    __slots__ = ("sock", "idx", "n", "buf")
    def __init__(self, idx):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.idx, self.n, self.buf = idx, 0, b""
    def send(self):
        # Below the large-platform threshold (50,000,000): the write path, not a classification that
        # flips on every report (each flip is an audited, notified change).
        body = json.dumps({"entity": "bench", "metric": "registered_users", "value": self.idx * 1_000_000 + self.n % 1_000_000}).encode()
        self.sock.sendall(b"POST /v1/metrics HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    def response(self):
        """The status of one complete response in the buffer (removed from it), or None while incomplete."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0: return None
        head = self.buf[:end].decode("latin-1").split("\r\n")
        length = 0
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length": length = int(value)
            elif name.strip().lower() == "transfer-encoding": raise SystemExit("chunked response: not expected")
        if len(self.buf) < end + 4 + length: return None
        self.buf = self.buf[end + 4 + length:]
        return int(head[0].split(" ", 2)[1])

sel = selectors.DefaultSelector()
conns = [Client(i) for i in range(clients)]
t0 = time.time()
end = t0 + seconds
for c in conns:
    c.send()
    sel.register(c.sock, selectors.EVENT_READ, c)
live = len(conns)
while live:
    for key, _ in sel.select():
        c = key.data
        data = c.sock.recv(65536)
        if not data: raise SystemExit("connection closed by obligd")
        c.buf += data
        status = c.response()
        if status is None: continue
        if status != 201: raise SystemExit(f"HTTP {status}")
        c.n += 1
        if time.time() < end: c.send()
        else:
            sel.unregister(c.sock); c.sock.close(); live -= 1
print(f"{sum(c.n for c in conns) / (time.time() - t0):.0f}")
