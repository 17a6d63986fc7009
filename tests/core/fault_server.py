"""A loopback HTTP server with scripted faults, for the HTTP client's tests.

Prints its port on stdout, then serves until killed. Paths:
  /ok                 200 "hello"
  /flaky/<id>         500 the first time for each id, then 200 "recovered"
  /always500          500 every time (counts hits)
  /hang               accepts, never answers
  /truncated          Content-Length: 100, sends 10 bytes, closes
  /notfound           404 "no such object"
  /hits/<path>        how many times <path> was requested
  /echo-auth          200 with the Authorization header it received
Binds 127.0.0.1 only.
"""
import http.server
import socketserver
import sys
import time
from collections import Counter

hits = Counter()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        p = self.path
        if not p.startswith("/hits/"):
            hits[p] += 1
        if p == "/ok":
            self.send(200, "hello")
        elif p.startswith("/flaky/"):
            self.send(500 if hits[p] == 1 else 200, "boom" if hits[p] == 1 else "recovered")
        elif p == "/always500":
            self.send(500, "boom")
        elif p == "/hang":
            time.sleep(30)
        elif p == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
        elif p.startswith("/hits/"):
            self.send(200, str(hits["/" + p[len("/hits/"):]]))
        elif p == "/echo-auth":
            self.send(200, self.headers.get("Authorization", ""))
        else:
            self.send(404, "no such object")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
