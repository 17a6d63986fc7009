"""Network and SQL-message cases.

- A GCS listing whose nextPageToken repeats (always the same, or a cycle) stops at once
  with one line naming the listing, instead of paging forever;
- known_hosts markers are honoured over a real OpenSSH sshd on 127.0.0.1: a key marked
  @revoked is refused by both the sftp (libcurl) and the scp (OpenSSH) paths, even when a
  plain line lists it too; a key listed only as @cert-authority is not a host key (sftp);
- `plot` prints SQLite's own message for a bad query."""
import getpass
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "kubevirt"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "remote"))
import robust  # noqa: E402
import harness  # noqa: E402
import gcs_server  # noqa: E402
import gen_tree  # noqa: E402
import rutil  # noqa: E402

JOB = "periodic-kubevirt-e2e-k8s-1.34-sig-performance"


class LoopingBucket(gcs_server.Bucket):
    """Answers every listing page with one run and the next token of `tokens` (cycled)."""

    def __init__(self, tokens):
        super().__init__("kubevirt-prow")
        self.tokens = tokens
        self.pages = 0

    def listing(self, prefix, delimiter, token, glob):
        self.pages += 1
        t = self.tokens[(self.tokens.index(token) + 1) % len(self.tokens)] if token in self.tokens else self.tokens[0]
        return {"kind": "storage#objects", "prefixes": [f"{prefix}{1000 + self.pages}/"], "nextPageToken": t}


class GcsPagingTest(robust.RobustTest):
    def test_repeated_next_page_token_stops(self):
        self.ok(["--quiet", "init"])
        for tokens, page in ((["SAME"], 2), (["A", "B"], 3)):
            bucket = LoopingBucket(tokens)
            srv, base = gcs_server.start(bucket)
            try:
                self.refused(["load", "kubevirt-gcs", "--job", JOB, "--base-url", base, "--retries", "0",
                              "--now", "2026-01-10T00:00:00Z"],
                             f"listing logs/{JOB}/", f"page {page} repeats the nextPageToken")
                self.assertLessEqual(bucket.pages, page)
            finally:
                srv.shutdown()
                srv.server_close()


class PlotMessageTest(robust.RobustTest):
    def test_plot_prints_sqlites_message(self):
        self.ok(["--quiet", "init"])
        out = os.path.join(self.tmp, "x.png")
        self.refused(["plot", "-o", out, "SELECT chart_bar(a, 1, 's') FROM no_such_table"], "query: no such table: no_such_table")
        self.refused(["plot", "-o", out, "SELEC 1"], 'query: near "SELEC": syntax error')
        self.refused(["plot", "-o", out, "   "], "query: empty query")
        self.assertFalse(os.path.exists(out))


SSHD = "/usr/sbin/sshd"
HAVE = os.path.exists(SSHD) and shutil.which("ssh-keygen") and shutil.which("scp")
REPORTS = os.path.join(harness.DATA, "remote", "framework_output")


@unittest.skipUnless(HAVE, "openssh-server and openssh-client are needed: .ci/packages/test-remote.txt")
class KnownHostsMarkersTest(robust.RobustTest):
    @classmethod
    def setUpClass(cls):
        cls.td = tempfile.TemporaryDirectory(prefix="perfsql-kh-")
        d = cls.d = cls.td.name
        os.chmod(d, 0o755)
        cls.tree = os.path.join(d, "results", "iteration_001")
        gen_tree.from_reports(REPORTS, cls.tree, 1, ["system_network_performance"])
        for k in ("host_key", "ca_key", "user_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{d}/{k}"], check=True)
        shutil.copy(f"{d}/user_key.pub", f"{d}/authorized_keys")
        try:
            cls.port, cls.sshd, cls.sshd_log = rutil.start_sshd(d, SSHD)
        except unittest.SkipTest:
            cls.td.cleanup()
            raise
        host = f"[127.0.0.1]:{cls.port}"

        def key(name):
            with open(f"{d}/{name}.pub") as f:
                return " ".join(f.read().split()[:2])
        with open(f"{d}/revoked", "w") as f:      # listed, and revoked: must be refused
            f.write(f"{host} {key('host_key')}\n@revoked {host} {key('host_key')}\n")
        with open(f"{d}/revoked_any_host", "w") as f:
            f.write(f"{host} {key('host_key')}\n@revoked * {key('host_key')}\n")
        with open(f"{d}/ca_only", "w") as f:      # the host's key only as a CA line: not a host key
            f.write(f"@cert-authority {host} {key('host_key')}\n")
        with open(f"{d}/good", "w") as f:         # a CA line for another key does not get in the way
            f.write(f"@cert-authority * {key('ca_key')}\n{host} {key('host_key')}\n")
        cls.url = f"sftp://{getpass.getuser()}@127.0.0.1:{cls.port}{cls.tree}"

    @classmethod
    def tearDownClass(cls):
        cls.sshd.terminate()
        cls.sshd.wait()
        cls.sshd_log.close()
        cls.td.cleanup()

    def load(self, kh, transport):
        return ["load", "remote", self.url, "--iteration", "1", "--transport", transport,
                "--key", f"{self.d}/user_key", "--known-hosts", f"{self.d}/{kh}"]

    def test_revoked_refused_in_sftp_and_scp(self):
        self.ok(["--quiet", "init"])
        for kh in ("revoked", "revoked_any_host"):
            self.refused(self.load(kh, "sftp"), "host key refused: it is marked @revoked in", kh)
            self.refused(self.load(kh, "scp"), "scp failed", "host key refused", "REVOKED HOST KEY")

    def test_cert_authority_line_is_not_a_host_key(self):
        self.ok(["--quiet", "init"])
        # libssh2 does not take a @cert-authority line for a host key: refused either way
        self.refused(self.load("ca_only", "sftp"), "host key")
        r = harness.run(self.load("ca_only", "scp"), db=self.db)
        self.assertEqual(r.rc, 1, repr(r))          # OpenSSH: a plain key signed by no CA
        self.assertEqual(len(r.err.splitlines()), 1, r.err)
        self.ok(["--quiet"] + self.load("good", "sftp"))
        self.assertEqual(self.query("SELECT count(*) FROM source WHERE kind = 'remote'")[0][0], 1)


if __name__ == "__main__":
    harness.main()
