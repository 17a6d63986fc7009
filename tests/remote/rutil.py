"""Helpers of the remote tests: reading views (they call perfsql's SQL functions, so the
extension is loaded into a Debian python3 through harness.python_with_ext)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def vquery(db, sql, params=()):
    """Rows (as tuples) of sql on db with perfsql loaded."""
    r = harness.python_with_ext(
        f"con = sqlite3.connect({db!r}); load(con)\n"
        f"print(json.dumps(con.execute({sql!r}, {tuple(params)!r}).fetchall()))\n")
    if r.rc != 0:
        raise AssertionError(f"query failed: {sql}\n{r}")
    return [tuple(x) for x in json.loads(r.out)]


def start_sshd(d, sshd="/usr/sbin/sshd"):
    """Starts a real OpenSSH sshd on 127.0.0.1 at an ephemeral port, with d/host_key,
    d/authorized_keys and internal-sftp, and waits until it accepts connections.
    Returns (port, process, log file): the caller terminates the process and closes the
    log. Raises unittest.SkipTest when /run/sshd cannot be made (not root)."""
    import socket
    import subprocess
    import time
    import unittest
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with open(f"{d}/sshd_config", "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n"
                f"AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nUsePAM no\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
                "PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n"
                f"PidFile {d}/sshd.pid\nLogLevel ERROR\n")
    try:
        os.makedirs("/run/sshd", exist_ok=True)   # privilege separation directory sshd insists on
    except PermissionError:
        raise unittest.SkipTest("sshd needs /run/sshd (run the tests as root, as .ci/test does)")
    log = open(f"{d}/sshd.log", "w")
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", f"{d}/sshd_config"],
                            stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return port, proc, log
