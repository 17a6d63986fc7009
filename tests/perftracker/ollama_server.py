"""A loopback stand-in for Ollama's POST /api/generate (streaming NDJSON), for
the LLM narrative tests. usage: ollama_server.py MODE; prints its port.
MODES: ok (answer split mid-line across writes, several lines in one write),
error (an {"error": ...} line mid-stream with status 200, as Ollama does),
nodone (the stream ends without "done": true), missing (404 {"error": "model
'x' not found"}). GET /__log returns the request bodies received.
"""
import http.server
import json
import socketserver
import sys
import time

MODE = sys.argv[1]
LOG = []


def line(obj):
    return (json.dumps(obj) + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        body = json.dumps(LOG).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(n))
        LOG.append({"path": self.path, "content_type": self.headers.get("Content-Type"), "body": req})
        if MODE == "missing":
            body = json.dumps({"error": f"model '{req['model']}' not found"}).encode()
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        m = req["model"]
        parts = [line({"model": m, "response": "## Narrative\n", "done": False}),
                 line({"model": m, "response": "The latency of GET /api/policies ", "done": False}),
                 line({"model": m, "response": "grew by 60%.", "done": False})]
        if MODE == "error":
            parts.append(line({"error": "an error was encountered while running the model: out of memory"}))
        if MODE != "nodone":
            parts.append(line({"model": m, "response": "", "done": True, "done_reason": "stop",
                               "eval_count": 12, "eval_duration": 1000}))
        data = b"".join(parts)
        # split mid-line: first a cut inside the first JSON object, then a cut in the middle of
        # the second line, then everything else at once (several lines in one write)
        cuts = [17, len(parts[0]) + 25, len(data)]
        prev = 0
        for c in cuts:
            chunk = data[prev:c]
            prev = c
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
            time.sleep(0.05)
        self.wfile.write(b"0\r\n\r\n")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
