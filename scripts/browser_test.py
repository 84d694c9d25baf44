#!/usr/bin/env python3
"""The web view in a real browser (Debian's chromium and chromium-driver, driven by PyPI selenium with
the system driver), against a real obligd on loopback, as an officer meets it: a loopback DingTalk
robot receives the notice of a new obligation with the link to its page; the officer signs in from
the invite obligctl printed, sees the overview, opens the obligation from the link in the message,
acknowledges it, and obligctl history names web:li.wei. A reader signed in from another invite sees
no form. Screenshots of the overview and of the obligation page, in Chinese and English, are written
to OUT (default .build/screenshots) for a person to look at.

Usage: scripts/browser_test.py BIN_DIR [OUT]   (run by scripts/test-browser, which makes the venv)
Exits 0 when every check passed; prints 'browser: N passed, M failed'."""
import base64
import hashlib
import http.server, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

bindir = os.path.abspath(sys.argv[1])
out = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".build/screenshots")
os.makedirs(out, exist_ok=True)
passed, failed = 0, 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAILED: {what}", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A DingTalk custom robot on loopback: answers as DingTalk does (HTTP 200, errcode 0) and keeps the text.
messages = []


class Robot(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            messages.append(json.loads(body)["markdown"]["text"])
        except Exception:
            pass
        answer = b'{"errcode":0,"errmsg":"ok"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


robot = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Robot)
threading.Thread(target=robot.serve_forever, daemon=True).start()

work = tempfile.mkdtemp(prefix="obligd-browser.")
port = free_port()
base = f"http://127.0.0.1:{port}"
conf = os.path.join(work, "conf")
os.makedirs(conf)
url_file = os.path.join(work, "officers.url")
with open(url_file, "w") as f:
    f.write(f"http://127.0.0.1:{robot.server_address[1]}/robot/send?access_token=test")
with open(os.path.join(conf, "obligd.json"), "w") as f:
    json.dump({
        "web": {"baseURL": base},
        "people": {"li.wei": {"name": "Li Wei (李伟)"}},
        "receivers": [{"name": "officers", "format": "dingtalk", "urlCredential": url_file}],
        "delivery": {"digestSeconds": 0},
    }, f)
sock = os.path.join(work, "obligd.sock")
env = dict(os.environ, OBLIGD_SOCKET=sock)
obligd = subprocess.Popen(
    [os.path.join(bindir, "obligd"), "--state-dir", os.path.join(work, "state"), "--socket", sock, "--config", conf,
     "--http-listen", f"127.0.0.1:{port}"],
    stdout=open(os.path.join(work, "obligd.log"), "w"), stderr=subprocess.STDOUT)
driver = None


def obligctl(*args):
    r = subprocess.run([os.path.join(bindir, "obligctl"), *args], env=env, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        print(f"obligctl {' '.join(args)}: {r.stderr}", file=sys.stderr)
    return r


def shot(name):
    path = os.path.join(out, name)
    driver.save_screenshot(path)
    print(f"screenshot: {path}")


try:
    deadline = time.time() + 60
    while obligctl("status").returncode != 0:
        if time.time() > deadline or obligd.poll() is not None:
            raise SystemExit("obligd did not start: " + open(os.path.join(work, "obligd.log")).read())
        time.sleep(0.2)
    obligctl("entity", "add", "acme", "ACME <Data> 有限公司")
    obligctl("event", "add", "acme", "important_data_notified", "--at", "2025-12-24")
    obligctl("obligation", "add", "acme", "--title", "Renew <b>certificate</b> & file", "--start", "2026-12-20", "--period", "+30wd")
    deadline = time.time() + 30
    while not any("/obligations/1" in m for m in messages) and time.time() < deadline:
        time.sleep(0.2)
    link = next((m for m in messages if "/obligations/1" in m), "")
    found = re.search(r"\]\((http://[^)]+/obligations/1\?lang=zh-CN)\)", link)
    check(found is not None, f"the DingTalk message links to the obligation's page: {link[-200:]!r}")

    invite = obligctl("web", "invite", "li.wei", "--role", "writer").stdout
    invite_url = next((w for w in invite.split() if w.startswith(base + "/signin/")), None)
    check(invite_url is not None, f"obligctl web invite prints a sign-in URL: {invite!r}")

    o = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--lang=zh-CN"]:
        o.add_argument(a)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    driver.set_page_load_timeout(30)

    driver.get(base + "/")
    check("obligation" not in driver.page_source.lower() or "Renew" not in driver.page_source, "no data without a session")
    driver.get(invite_url)
    driver.find_element(By.CSS_SELECTOR, "form[action^='/signin'] button").click()
    # The click returns before the POST's redirect is followed: wait for it (at most 10 s).
    try:
        WebDriverWait(driver, 10).until(lambda d: d.current_url.startswith(base + "/?"))
    except TimeoutException:
        pass
    url = driver.current_url
    check(url.startswith(base + "/?"), f"signed in and sent to the overview without the token: {url}")
    html = driver.page_source
    check("/obligations/1?" in html, "the overview lists the obligation")
    check("Renew &lt;b&gt;certificate&lt;/b&gt; &amp; file" in html, "markup in a title is shown as text")
    check(len(driver.find_elements(By.CSS_SELECTOR, "section.overdue tr")) >= 2, "the overdue section has a row")
    driver.get(base + "/?lang=zh-CN")
    check("已逾期" in driver.page_source, "the overview in Chinese")
    shot("overview-zh-CN.png")
    driver.get(base + "/?lang=en")
    shot("overview-en.png")

    driver.set_window_size(1280, 2400)  # the whole obligation page: plan, month grids, history
    driver.get(found.group(1) if found else base + "/obligations/1?lang=zh-CN")
    check("before:-1wd" in driver.page_source, "the obligation page shows the reminder plan")
    check(len(driver.find_elements(By.CSS_SELECTOR, "td.g-makeup")) >= 1, "the month grids show a make-up working day")
    shot("obligation-zh-CN.png")
    driver.get(base + "/obligations/1?lang=en")
    shot("obligation-en.png")
    driver.find_element(By.CSS_SELECTOR, "form[action^='/obligations/1/acknowledge'] input[name=note]").send_keys("李伟 files it on Friday")
    driver.find_element(By.CSS_SELECTOR, "form[action^='/obligations/1/acknowledge'] button").click()
    try:
        WebDriverWait(driver, 10).until(lambda d: "李伟 files it on Friday" in d.page_source)
    except TimeoutException:
        pass
    check("李伟 files it on Friday" in driver.page_source, "the acknowledgement shows on the page")
    history = obligctl("history", "1").stdout
    check("web:li.wei" in history and "obligation.acknowledged" in history, f"obligctl history names web:li.wei: {history[-300:]!r}")
    sent = driver.find_elements(By.CSS_SELECTOR, "table.sent tr.delivered")
    check(any("officers" in r.text for r in sent), "the obligation page says what was delivered to the DingTalk receiver")
    year = time.strftime("%Y")
    check(any(re.search(r"\b" + year + r"-\d\d-\d\d \d\d:\d\d\b", r.text) for r in sent),
          f"the delivery's time is a local time of this year: {[r.text for r in sent]}")

    # Done with a receipt: the file input of the done form, then the page lists it with its SHA-256.
    receipt = os.path.join(work, "receipt-回执.pdf")
    with open(receipt, "wb") as f:
        f.write(b"%PDF-1.4 filing receipt 2026-17\n")
    digest = hashlib.sha256(open(receipt, "rb").read()).hexdigest()
    driver.get(base + "/obligations/1?lang=en")
    driver.find_element(By.CSS_SELECTOR, "form[action^='/obligations/1/done'] input[type=file]").send_keys(receipt)
    driver.find_element(By.CSS_SELECTOR, "form[action^='/obligations/1/done'] input[name=reference]").send_keys("备案 2026-17")
    driver.find_element(By.CSS_SELECTOR, "form[action^='/obligations/1/done'] button").click()
    try:
        WebDriverWait(driver, 10).until(lambda d: digest in d.page_source)
    except TimeoutException:
        pass
    check(digest in driver.page_source and "receipt-回执.pdf" in driver.page_source, "done with a file: the page lists it and its SHA-256")
    shot("obligation-done-evidence-en.png")

    driver.set_window_size(1280, 1000)
    driver.get(base + "/status?lang=en")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.receivers tr.r-ok")
    check(any("officers" in r.text for r in rows) and "ready" in driver.page_source, "the status page shows the receiver ok")
    shot("status-en.png")
    driver.set_window_size(1280, 2000)
    driver.get(base + "/calendar?lang=zh-CN&year=2026")
    check("春节" in driver.page_source and "国办发明电" in driver.page_source, "the calendar page: holidays and their notice")
    check(len(driver.find_elements(By.CSS_SELECTOR, "table.month")) == 12, "the calendar page draws twelve months")
    shot("calendar-zh-CN.png")

    # The audit pack as an auditor gets it: one HTML file that renders offline, loads nothing else,
    # prints to PDF, and verifies against the trail.
    pack = os.path.join(work, "pack.html")
    made = obligctl("report", "--entity", "acme", "--from", "2025-01-01", "--to", "2027-12-31", "--lang", "zh-CN", "-o", pack)
    check(made.returncode == 0 and os.path.exists(pack), f"obligctl report writes the pack: {made.stderr[-300:]!r}")
    driver.get("file://" + pack)
    check(digest in driver.page_source and "ACME &lt;Data&gt; 有限公司" in driver.page_source,
          "the HTML pack renders the entity (escaped) and the evidence's SHA-256")
    loaded = driver.execute_script("return performance.getEntriesByType('resource').length")
    check(loaded == 0, f"the HTML pack loads no other resource ({loaded})")
    pdf = base64.b64decode(driver.print_page())
    check(pdf.startswith(b"%PDF"), "the HTML pack prints to PDF")
    with open(os.path.join(out, "audit-pack-zh-CN.pdf"), "wb") as f:
        f.write(pdf)
    shot("audit-pack-zh-CN.png")
    verified = obligctl("report", "verify", pack)
    check(verified.returncode == 0, f"obligctl report verify passes on the untouched pack: {verified.stdout[-200:]!r}")

    # A reader: a fresh browser session from another invite sees no form.
    reader = obligctl("web", "invite", "auditor", "--role", "reader").stdout
    reader_url = next((w for w in reader.split() if w.startswith(base + "/signin/")), base)
    driver.delete_all_cookies()
    driver.get(reader_url)
    driver.find_element(By.CSS_SELECTOR, "form[action^='/signin'] button").click()
    try:
        WebDriverWait(driver, 10).until(lambda d: d.current_url.startswith(base + "/?"))
    except TimeoutException:
        pass
    driver.get(base + "/obligations/1?lang=en")
    check(not driver.find_elements(By.CSS_SELECTOR, "form[action*='/obligations/']") and "Declare" in driver.page_source,
          "a reader sees the obligation and no action")
    # Signing out ends the session: the page asks to sign in again.
    driver.find_element(By.CSS_SELECTOR, "form[action^='/signout'] button").click()
    driver.get(base + "/obligations/1")
    check("Declare" not in driver.page_source, "signed out: no data")
finally:
    if driver is not None:
        driver.quit()
    obligd.send_signal(signal.SIGTERM)
    try:
        obligd.wait(timeout=20)
    except subprocess.TimeoutExpired:
        obligd.kill()
    robot.shutdown()
    shutil.rmtree(work, ignore_errors=True)

print(f"browser: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
