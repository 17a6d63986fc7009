"""A loopback stand-in for the Google Cloud Storage JSON API (storage/v1), answering
with the shapes of the real API, for the kubevirt-gcs loader's tests.

  GET /storage/v1/b/<bucket>/o?prefix=P[&delimiter=/][&pageToken=T][&matchGlob=G]
      -> {"kind": "storage#objects", "prefixes": [...], "items": [...], "nextPageToken": T}
         (page_size entries per page, prefixes and items together, like GCS)
  GET /storage/v1/b/<bucket>/o/<url-encoded name>            -> object metadata (timeCreated, size, ...)
  GET /storage/v1/b/<bucket>/o/<url-encoded name>?alt=media  -> the bytes
  404 -> {"error": {"code": 404, "message": "No such object: <bucket>/<name>", ...}}

  POST /token  (when bucket.auth is set: a Google OAuth2 token endpoint for the JWT bearer
      grant, RFC 7523) -> {"access_token", "expires_in", "token_type": "Bearer"}; the JWT's
      RS256 signature is verified with the service account's public key (python3-cryptography)
      and its claims checked (iss, aud = token_uri, scope, exp - iat = 3600, iat near now);
      every GET then needs "Authorization: Bearer <an unexpired issued token>", else 401.

Faults are scripted per request path+query (exact string, or a prefix with a
trailing '*'): a list of actions consumed one per request: "500", "hang"
(sleeps hang_s, then closes without answering), "truncate" (Content-Length
larger than what is sent), "cut" (half the body, no Content-Length,
connection closed). Binds 127.0.0.1 only; counts every request in `hits`.
"""
import base64
import fnmatch
import hashlib
import http.server
import json
import socketserver
import threading
import time
import urllib.parse
from collections import Counter


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Auth:
    """The token endpoint's state: the service account it knows and the tokens it issued."""

    def __init__(self, email, public_key, key_id, token_uri, expires_in=3600):
        self.email, self.public_key, self.key_id, self.token_uri = email, public_key, key_id, token_uri
        self.expires_in = expires_in
        self.tokens = {}            # token -> expiry (unix s)
        self.requests = 0
        self.fail = None            # (status, body) to answer token requests with
        self.rejected = []          # why each refused request was refused

    def grant(self, form):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        self.requests += 1
        if self.fail:
            return self.fail
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}
        try:
            h64, c64, s64 = form["assertion"].split(".")
            hdr, claims = json.loads(b64d(h64)), json.loads(b64d(c64))
            self.public_key.verify(b64d(s64), f"{h64}.{c64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except Exception as e:  # noqa: BLE001 - any defect is a refused grant
            self.rejected.append(repr(e))
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        now = time.time()
        ok = (hdr == {"alg": "RS256", "typ": "JWT", "kid": self.key_id} and claims.get("iss") == self.email
              and claims.get("aud") == self.token_uri
              and claims.get("scope") == "https://www.googleapis.com/auth/devstorage.read_only"
              and claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - now) < 300)
        if not ok:
            self.rejected.append((hdr, claims))
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT: claims"}
        tok = f"ya29.test-{self.requests}-" + hashlib.sha256(s64.encode()).hexdigest()[:24]
        self.tokens[tok] = now + self.expires_in
        return 200, {"access_token": tok, "expires_in": self.expires_in, "token_type": "Bearer"}

    def allows(self, header):
        if not header or not header.startswith("Bearer "):
            return False
        exp = self.tokens.get(header[len("Bearer "):])
        return exp is not None and exp > time.time()


class Bucket:
    def __init__(self, name, page_size=2):
        self.name = name
        self.objects = {}      # name -> (bytes, timeCreated)
        self.page_size = page_size
        self.faults = {}       # path -> [action, ...]
        self.hits = Counter()
        self.hang_s = 5
        self.lock = threading.Lock()
        self.auth = None           # Auth: bearer tokens required
        self.unauthorized = 0

    def put(self, name, data, created):
        if isinstance(data, str):
            data = data.encode()
        self.objects[name] = (data, created)

    def take_fault(self, path):
        with self.lock:
            self.hits[path] += 1
            for key, actions in self.faults.items():
                if (key == path or (key.endswith("*") and path.startswith(key[:-1]))) and actions:
                    return actions.pop(0)
        return None

    def metadata(self, name):
        data, created = self.objects[name]
        md5 = hashlib.md5(data).hexdigest()
        return {
            "kind": "storage#object",
            "id": f"{self.name}/{name}/1700000000000000",
            "selfLink": f"https://www.googleapis.com/storage/v1/b/{self.name}/o/{urllib.parse.quote(name, safe='')}",
            "mediaLink": f"https://storage.googleapis.com/download/storage/v1/b/{self.name}/o/"
                         f"{urllib.parse.quote(name, safe='')}?generation=1700000000000000&alt=media",
            "name": name,
            "bucket": self.name,
            "generation": "1700000000000000",
            "metageneration": "1",
            "contentType": "application/json" if name.endswith(".json") else "text/plain",
            "storageClass": "STANDARD",
            "size": str(len(data)),
            "md5Hash": md5,
            "crc32c": "AAAAAA==",
            "etag": "CJ+Y7/H0y4IDEAE=",
            "timeCreated": created,
            "updated": created,
            "timeStorageClassUpdated": created,
        }

    def listing(self, prefix, delimiter, token, glob):
        entries = []
        seen = set()
        for name in sorted(self.objects):
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix):]
            if delimiter and delimiter in rest:
                p = prefix + rest[:rest.index(delimiter) + 1]
                if p not in seen:
                    seen.add(p)
                    entries.append(("prefix", p))
            elif not glob or fnmatch.fnmatch(name, glob.replace("**/", "*")):
                entries.append(("item", name))
        start = int(token) if token else 0
        page = entries[start:start + self.page_size]
        out = {"kind": "storage#objects"}
        if start + self.page_size < len(entries):
            out["nextPageToken"] = str(start + self.page_size)
        prefixes = [v for k, v in page if k == "prefix"]
        items = [self.metadata(v) for k, v in page if k == "item"]
        if prefixes:
            out["prefixes"] = prefixes
        if items:
            out["items"] = items
        return out


def make_handler(bucket):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send(self, code, body, ctype="application/json; charset=UTF-8"):
            data = body if isinstance(body, bytes) else json.dumps(body, indent=1).encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
            if bucket.auth is None or urllib.parse.urlsplit(self.path).path != "/token":
                return self.send(404, b"Not Found", "text/plain")
            with bucket.lock:
                code, body = bucket.auth.grant(form)
            self.send(code, body)

        def do_GET(self):
            u = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(u.query))
            if bucket.auth is not None and not bucket.auth.allows(self.headers.get("Authorization")):
                with bucket.lock:
                    bucket.unauthorized += 1
                return self.send(401, {"error": {"code": 401, "message": "Anonymous caller does not have "
                                                 "storage.objects.list access to the Google Cloud Storage bucket.",
                                                 "errors": [{"reason": "required", "domain": "global"}]}})
            fault = bucket.take_fault(self.path)
            base = f"/storage/v1/b/{bucket.name}/o"
            if u.path == base:
                body = json.dumps(bucket.listing(q.get("prefix", ""), q.get("delimiter"), q.get("pageToken"),
                                                 q.get("matchGlob")), indent=1).encode()
            elif u.path.startswith(base + "/"):
                name = urllib.parse.unquote(u.path[len(base) + 1:])
                if name not in bucket.objects:
                    return self.send(404, {"error": {"code": 404, "message": f"No such object: {bucket.name}/{name}",
                                                     "errors": [{"message": f"No such object: {bucket.name}/{name}",
                                                                 "domain": "global", "reason": "notFound"}]}})
                body = bucket.objects[name][0] if q.get("alt") == "media" else \
                    json.dumps(bucket.metadata(name), indent=1).encode()
            else:
                return self.send(404, b"Not Found", "text/plain")
            if fault == "500":
                return self.send(500, {"error": {"code": 500, "message": "Backend Error"}})
            if fault == "hang":
                time.sleep(bucket.hang_s)
                self.close_connection = True
                return
            if fault == "truncate":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if fault == "cut":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.send(200, body)

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def start(bucket):
    """Starts a server for bucket on 127.0.0.1 in a thread; returns (server, base_url)."""
    srv = Server(("127.0.0.1", 0), make_handler(bucket))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"
