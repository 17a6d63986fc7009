"""A loopback stand-in for a PerfTracker server (v0.4.6), answering exactly like
the recorded responses in tests/data/perftracker/ and recording every request.

usage: pt_server.py DATA_DIR [--fault MODE]; prints its port, serves until killed.
Routes (as the real server, see the reference notes):
  GET  /api/v1.0/<pid>/job/          DataTables list: start, length (default 10, max 5000, -1 = all),
                                     search[value] (title or suite_ver, icontains), order[0][column]/[dir]
                                     over the real order_columns; no order = id ascending
  GET  /<pid>/job/<id>?as_json=1     the recorded export for jobs 1 and 2 (as a download)
  POST /api/v1.0/<pid>/artifact/<uuid>  multipart; 400 on a bad uuid/filename/linked_uuids, 501 when
                                     artifacts are not configured (--fault artifacts-off)
  GET  /__log                        what was received, as JSON
Faults: flaky (first as_json of job 2 answers 500), hang (as_json of job 1 never answers),
truncated (as_json of job 1 is cut to 4000 bytes, Content-Length matching), artifacts-off,
artifact-400. Binds 127.0.0.1 only.
"""
import email.parser
import email.policy
import http.server
import json
import os
import re
import socketserver
import sys
import threading
import time
import urllib.parse

DATA = sys.argv[1]
FAULT = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--fault" else ""
LOG = []
HITS = {}
LOCK = threading.Lock()


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


LIST = json.loads(read("api_job_list.json"))["data"]
# Two newer jobs of another product whose *title* also says GRPM: the server's search matches
# titles, so a client that does not check product_name picks them.
for jid, ver, end in ((4, "9.1", "2025-07-02T12:30:00Z"), (5, "9.2", "2025-07-03T12:30:00Z")):
    row = dict(LIST[1])
    row.update(id=jid, product_name="OTHER", product_ver=ver, end=end,
               env_node=[{"name": "bg-g9", "display_name": "bg-g9", "id": 20 + jid}])
    LIST.append(row)
ORDER_COLUMNS = ['', 'id', 'end', 'project', 'env_node', 'product_name', 'product_ver', 'title', 'suite_ver',
                 'duration', 'tests_total', 'tests_completed', 'tests_errors', 'testcases_total', 'testcases_errors']
EXPORTS = {1: "html_job_as_json_baseline.json", 2: "html_job_as_json_candidate.json"}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json", extra=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def record(self, **kw):
        u = urllib.parse.urlsplit(self.path)
        entry = dict(method=self.command, path=u.path, query=urllib.parse.parse_qs(u.query, keep_blank_values=True),
                     auth=self.headers.get("Authorization"), **kw)
        with LOCK:
            LOG.append(entry)
            HITS[self.path] = HITS.get(self.path, 0) + 1
            return HITS[self.path]

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        if u.path == "/__log":
            with LOCK:
                return self.send(200, json.dumps(LOG))
        hit = self.record()
        m = re.fullmatch(r"/api/v1\.0/(\d+)/job/", u.path)
        if m:
            return self.job_list(q)
        m = re.fullmatch(r"/(\d+)/job/(\d+)", u.path)
        if m and q.get("as_json") == ["1"]:
            jid = int(m.group(2))
            if jid not in EXPORTS:
                return self.send(404, "<h1>Not Found</h1>", "text/html")
            body = read(EXPORTS[jid])
            if FAULT == "flaky" and jid == 2 and hit == 1:
                return self.send(500, "<h1>Server Error (500)</h1>", "text/html")
            if FAULT == "hang" and jid == 1:
                time.sleep(20)
                return
            if FAULT == "truncated" and jid == 1:
                body = body[:4000]
            title = re.sub(r"[^\w\-]", "_", json.loads(read(EXPORTS[jid]))["title"])
            return self.send(200, body, "application/json",
                             {"Content-Disposition": f"attachment; filename=job-{jid}-{title}.json"})
        self.send(404, "[]")

    def job_list(self, q):
        rows = list(LIST)
        search = q.get("search[value]", [""])[0].lower()
        if search:
            rows = [r for r in rows if search in r["title"].lower() or search in r["suite_ver"].lower()]
        col = q.get("order[0][column]")
        if col:
            key = ORDER_COLUMNS[int(col[0])]
            rows.sort(key=lambda r: r[key], reverse=q.get("order[0][dir]", ["asc"])[0] == "desc")
        else:
            rows.sort(key=lambda r: r["id"])
        start = int(q.get("start", ["0"])[0])
        length = int(q.get("length", ["10"])[0])
        if length > 5000:
            length = 5000
        page = rows[start:] if length == -1 else rows[start:start + length]
        body = {"draw": int(q.get("draw", ["0"])[0]), "recordsTotal": len(LIST), "recordsFiltered": len(rows),
                "data": page, "result": "ok"}
        self.send(200, json.dumps(body, indent=2))

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        fields, files = {}, {}
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                if part.get_filename() is not None:
                    files[name] = {"filename": part.get_filename(), "content_type": part.get_content_type(),
                                   "content": payload.decode("utf-8", "replace")}
                else:
                    fields[name] = payload.decode()
        self.record(content_type=ctype, fields=fields, files=files)
        m = re.fullmatch(r"/api/v1\.0/(\d+)/artifact/([^/]+)", u.path)
        if not m:
            return self.send(404, "[]")
        if FAULT == "artifacts-off":
            return self.send(501, json.dumps({"message": "Artifacts management is not configured, "
                                                         "see ARTIFACTS_STORAGE_DIR in settings_local.py"}))
        uuid = m.group(2)
        if not UUID_RE.match(uuid):
            return self.send(400, json.dumps({"message": f"Invalid artifact uuid: {uuid}"}))
        if FAULT == "artifact-400" or "filename" not in fields:
            return self.send(400, json.dumps({"message": "artifact 'filename' is not set"}))
        try:
            links = json.loads(fields.get("linked_uuids", "[]"))
            assert isinstance(links, list)
        except Exception:
            return self.send(400, json.dumps({"message": "linked_uuids must be a JSON list"}))
        recorded = json.loads(read("api_artifact_upload_response.json"))   # the real server's answer
        old = recorded["uuid"]
        self.send(200, read("api_artifact_upload_response.json").replace(old.encode(), uuid.encode()))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
