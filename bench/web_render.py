#!/usr/bin/env python3
"""Render times of the web view's pages against a running obligd on loopback: signs in from an invite
URL as a browser does (the page's nonce cookie, then the form), then requests the overview (page 1,
100 rows, with its counts) and an obligation's page COUNT times each over one keep-alive connection,
and prints p50, p99 and max in milliseconds.

Usage: bench/web_render.py INVITE_URL OBLIGATION_ID [COUNT=200]"""
import http.client, re, sys, time, urllib.parse

invite, oid = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
u = urllib.parse.urlsplit(invite)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def get(path, cookie=""):
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    r = conn.getresponse()
    return r, r.read()


r, body = get(u.path)
nonce = re.search(rb'name="nonce" value="([^"]+)"', body).group(1).decode()
signin = r.getheader("set-cookie").split(";")[0]
token = u.path.rsplit("/", 1)[1]
conn.request("POST", "/signin", body=urllib.parse.urlencode({"token": token, "nonce": nonce}),
             headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": signin})
r = conn.getresponse()
r.read()
session = r.getheader("set-cookie").split(";")[0]
assert r.status == 303, r.status


def measure(path):
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        r, body = get(path, session)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status == 200, (path, r.status)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99) - 1], times[-1], len(body)


for name, path in [("overview (page 1 of 100 rows)", "/?lang=en"), (f"obligation {oid}", f"/obligations/{oid}?lang=en")]:
    p50, p99, mx, size = measure(path)
    print(f"{name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {mx:.1f} ms over {count} requests ({size} bytes)")
