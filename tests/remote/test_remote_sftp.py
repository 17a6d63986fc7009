"""SFTP against a real OpenSSH server started here on 127.0.0.1 (free port, its own host key,
a temporary user key, its own known_hosts): the tree loads over sftp:// (libcurl) and over the
scp fallback exactly as it does from the local folder; a host key that is not the one in
known_hosts (or no entry at all) is refused and the database stays unchanged."""
import getpass
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gen_tree  # noqa: E402
import harness  # noqa: E402
import rutil  # noqa: E402

SSHD = "/usr/sbin/sshd"
REPORTS = os.path.join(harness.DATA, "remote", "framework_output")
HAVE = os.path.exists(SSHD) and shutil.which("ssh-keygen") and shutil.which("scp")


def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path], check=True)


@unittest.skipUnless(HAVE, "openssh-server and openssh-client are needed: .ci/packages/test-remote.txt")
class SftpTest(harness.TempDirTest):
    def query(self, sql, db=None):
        # views call perfsql's functions: read through the extension
        return rutil.vquery(db or self.db, sql)

    @classmethod
    def setUpClass(cls):
        cls.td = tempfile.TemporaryDirectory(prefix="perfsql-sftp-")
        d = cls.d = cls.td.name
        os.chmod(d, 0o755)
        cls.tree = os.path.join(d, "results", "iteration_001")
        gen_tree.from_reports(REPORTS, cls.tree, 1, ["system_network_performance"])
        keygen(f"{d}/host_key")
        keygen(f"{d}/other_host_key")
        keygen(f"{d}/user_key")
        shutil.copy(f"{d}/user_key.pub", f"{d}/authorized_keys")
        try:
            cls.port, cls.sshd, cls.sshd_log = rutil.start_sshd(d, SSHD)
        except unittest.SkipTest:
            cls.td.cleanup()
            raise

        def known(name, key):
            with open(f"{d}/{key}.pub") as f:
                kt, kb = f.read().split()[:2]
            with open(f"{d}/{name}", "w") as f:
                f.write(f"[127.0.0.1]:{cls.port} {kt} {kb}\n")
        known("known_hosts", "host_key")
        known("wrong_known_hosts", "other_host_key")
        open(f"{d}/empty_known_hosts", "w").close()
        cls.url = f"sftp://{getpass.getuser()}@127.0.0.1:{cls.port}{cls.tree}"

    @classmethod
    def tearDownClass(cls):
        cls.sshd.terminate()
        cls.sshd.wait()
        cls.sshd_log.close()
        cls.td.cleanup()

    def counts(self, db):
        return self.query("SELECT (SELECT count(*) FROM remote_file), (SELECT count(*) FROM remote_iperf), "
                          "(SELECT count(*) FROM remote_pidstat), (SELECT count(*) FROM remote_latency), "
                          "(SELECT group_concat(content_hash) FROM source)", db=db)[0]

    def export(self, db, name):
        out = os.path.join(self.tmp, name)
        self.ok(["--quiet", "export", "remote", out, "--no-charts"], db=db)
        res = {}
        for root, _, files in os.walk(out):
            for f in files:
                if f.endswith(".csv"):
                    with open(os.path.join(root, f), "rb") as fh:
                        res[os.path.relpath(os.path.join(root, f), out)] = fh.read()
        return res

    def test_sftp_and_scp_equal_local(self):
        local = os.path.join(self.tmp, "local.db")
        self.ok(["--quiet", "load", "remote", self.tree, "--iteration", "1"], db=local)
        want = self.counts(local)
        self.assertGreater(want[0], 200)
        for transport in ("sftp", "scp"):
            db = os.path.join(self.tmp, f"{transport}.db")
            r = self.ok(["load", "remote", self.url, "--iteration", "1", "--transport", transport,
                         "--key", f"{self.d}/user_key", "--known-hosts", f"{self.d}/known_hosts"], db=db)
            self.assertIn("loaded as source 1", r.out)
            self.assertEqual(self.counts(db), want, transport)   # same rows, same content hash
            self.assertEqual(self.export(db, transport), self.export(local, "local"))
            uri = self.query("SELECT uri FROM source", db=db)[0][0]
            self.assertTrue(uri.startswith(f"sftp://{getpass.getuser()}@127.0.0.1:{self.port}/"), uri)

    def test_wrong_or_unknown_host_key_refused(self):
        for kh in ("wrong_known_hosts", "empty_known_hosts"):
            for transport in ("sftp", "scp"):
                db = os.path.join(self.tmp, f"{kh}-{transport}.db")
                r = self.fails(["load", "remote", self.url, "--iteration", "1", "--transport", transport,
                                "--key", f"{self.d}/user_key", "--known-hosts", f"{self.d}/{kh}"], db=db)
                if transport == "sftp":
                    self.assertIn("host key not accepted", r.err)
                else:
                    self.assertIn("host key refused", r.err)
                # a failed first load leaves no new database behind (issue 12)
                self.assertFalse(os.path.exists(db), db)

    def test_password_in_url_rejected(self):
        r = self.fails(["load", "remote", f"sftp://u:secret@127.0.0.1:{self.port}/x", "--iteration", "1"])
        self.assertIn("passwords in URLs are not accepted", r.err)
        self.assertNotIn("secret", r.err)


if __name__ == "__main__":
    harness.main()
