"""Hostile names from loaded data never make a command write outside the directory it
was given: job, metric, release and plot names such as ../../../X, absolute paths, control
characters (newline, ESC), 300-byte names, '.' and '..', and two names that clean up alike
('a/b' and 'a_b') go through safe_path_component() in every export and graph command. The
file names are stable (a second run writes the same set) and distinct."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import robust  # noqa: E402
import harness  # noqa: E402

HOSTILE = ["../../../../../X", "/abs/olute", "ctl\x01\x1b[31m\nnl\t", "L" * 300, "..", ".", "a/b", "a_b",
           ".hidden", "ok-name"]


def results_doc(created):
    return {"JobDirCreationTime": created,
            "VMIResult": {"Values": {m: {"value": 1.0 + i} for i, m in enumerate(HOSTILE)}},
            "VMResult": None}


class HostilePathsTest(robust.RobustTest):
    def setUp(self):
        super().setUp()
        # the output directories sit deep inside a sandbox: ../../../ from them lands in it
        self.sandbox = os.path.join(self.tmp, "sandbox")
        self.work = os.path.join(self.sandbox, "a", "b", "c", "d", "e")
        os.makedirs(self.work)
        for k, job in enumerate(["../../../../../J", "a/b", "a_b", "ctl\nJ"]):
            p = os.path.join(self.tmp, f"r{k}.json")
            with open(p, "w") as f:
                json.dump(results_doc(f"2026-01-0{5 + k}T10:00:00Z"), f)
            self.ok(["--quiet", "load", "kubevirt", "--job", job, "--build-id", str(100 + k), p])
        shape = os.path.join(self.tmp, "shape.yaml")
        with open(shape, "w") as f:
            f.write('releaseVersion: "../../../../../R"\nsinceDate: "2026-01-01"\nlineShapes: []\n')
        self.ok(["--quiet", "load", "kubevirt", shape])

    def check_contained(self, out, before):
        """Every new file of the sandbox is under out, and every component of its path
        below out is one safe name."""
        new = robust.files_under(self.sandbox) - before
        self.assertTrue(new, "nothing written")
        rel_out = os.path.relpath(out, self.sandbox)
        for f in new:
            self.assertTrue(f.startswith(rel_out + os.sep), f"written outside {out}: {f!r}")
            for comp in os.path.relpath(os.path.join(self.sandbox, f), out).split(os.sep):
                self.assertNotIn(comp, ("", ".", ".."))
                self.assertFalse(comp.startswith("."), comp)
                self.assertLessEqual(len(comp.encode()), 255)
                self.assertFalse(any(ord(c) < 32 or c == "\x7f" for c in comp), repr(comp))
        return {os.path.relpath(os.path.join(self.sandbox, f), out) for f in new}

    def run_twice(self, args, out):
        before = robust.files_under(self.sandbox)
        self.ok(args)
        first = self.check_contained(out, before)
        self.ok(args)   # stable: the same names again
        self.assertEqual({os.path.relpath(os.path.join(self.sandbox, f), out)
                          for f in robust.files_under(self.sandbox) - before}, first)
        return first

    def test_export_kubevirt(self):
        out = os.path.join(self.work, "export")
        files = self.run_twice(["--quiet", "export", "kubevirt", out], out)
        results = [f for f in files if f.startswith("results/")]
        self.assertEqual(len(results), 4)   # four jobs, four distinct directories
        weekly = [f for f in files if f.startswith("weekly/")]
        self.assertEqual(len(weekly), 4 * len(HOSTILE))   # job x metric, one week each: all distinct
        self.assertIn("results/a_b/102/results.json", results)   # a safe name is kept as it is
        self.assertTrue(any(f.startswith("weekly/a_b/vmi/ok-name/") for f in weekly))

    def test_kubevirt_graph_weekly(self):
        out = os.path.join(self.work, "graphs")
        files = self.run_twice(["--quiet", "kubevirt-graph", "weekly", "--out", out, "--metrics", "all"], out)
        self.assertEqual(len([f for f in files if f.endswith("plot.png")]), 4 * len(HOSTILE))
        self.assertEqual(len([f for f in files if f.endswith("index.html")]), 4)

    def test_kubevirt_graph_release(self):
        out = os.path.join(self.work, "release")
        files = self.run_twice(["--quiet", "kubevirt-graph", "release", "--out", out, "--metrics", "all"], out)
        self.assertEqual(len([f for f in files if f.endswith("plot.png")]), len(HOSTILE))

    def test_plot_each(self):
        out = os.path.join(self.work, "each")
        values = " UNION ALL ".join("SELECT %s AS name" % ("'" + h.replace("'", "''") + "'") for h in HOSTILE)
        sql = f"SELECT name, chart_bar('x', 1, 's') AS c FROM ({values}) GROUP BY name"
        files = self.run_twice(["--quiet", "plot", "--each", out, sql], out)
        self.assertEqual(len(files), len(HOSTILE))
        self.assertTrue(all(f.endswith(".png") for f in files), files)
        self.assertIn("ok-name.png", files)


if __name__ == "__main__":
    harness.main()
