"""Help is one convention everywhere, checked by walking the CLI's own registry as
`perfsql help` prints it (so a command, kind or target added later is covered):

  - `perfsql help CMD`, `perfsql CMD --help` and `perfsql CMD -h` print the same text
    on stdout and exit 0, for every command, and `perfsql CMD SUB --help` (and
    `perfsql help CMD SUB`) for every subcommand its usage shows;
  - `perfsql help load KIND` == `perfsql load KIND --help` for every load kind, and
    the same for every export target; each has a usage line, flags and an example;
  - asking for help never touches the database;
  - an unknown command, kind or subcommand is a usage error (exit 2)."""
import os
import re
import unittest

import harness


def listing(out, title):
    """Names of the indented table that follows the line `title:` in `out`."""
    names, inside = [], False
    for line in out.splitlines():
        if line.strip() == title + ":":
            inside = True
        elif inside and line.startswith("  ") and line.strip():
            names.append(line.split()[0])
        elif inside:
            break
    return names


def subcommands(cmd, usage):
    """Words that follow `perfsql [-d DB] CMD` on the usage lines (not the examples):
    bench compare, ...; none for a command with kinds or targets (load, export)."""
    if listing(usage, "kinds") or listing(usage, "targets"):
        return []
    usage = re.split(r"(?m)^examples?:", usage)[0]
    pat = re.compile(r"perfsql (?:\[-d DB\] )?" + re.escape(cmd) + r" ([a-z][a-z-]*)\b(?!-)")
    return sorted(set(pat.findall(usage)))


class Help(harness.TempDirTest):
    def help(self, *args):
        db = os.path.join(self.tmp, "never.db")
        r = harness.run(list(args), db=db)
        self.assertFalse(os.path.exists(db), f"perfsql {' '.join(args)} created the database")
        return r

    def same(self, reference, *variants):
        want = self.help(*reference)
        self.assertEqual((want.rc, want.err), (0, ""), f"perfsql {' '.join(reference)}: {want}")
        self.assertTrue(want.out.startswith("usage: "), want.out)
        for v in variants:
            got = self.help(*v)
            self.assertEqual((got.rc, got.out, got.err), (0, want.out, ""), f"perfsql {' '.join(v)}")
        return want.out

    def commands(self):
        r = self.help("help")
        self.assertEqual(r.rc, 0, r)
        names = listing(r.out, "commands")
        self.assertIn("load", names)
        return names

    def test_every_command_and_subcommand(self):
        seen_sub = 0
        for cmd in self.commands():
            with self.subTest(cmd=cmd):
                usage = self.same(["help", cmd], [cmd, "--help"], [cmd, "-h"])
                self.assertIn("example", usage, f"`perfsql help {cmd}` shows no example")
                for sub in subcommands(cmd, usage):
                    seen_sub += 1
                    self.same(["help", cmd], [cmd, sub, "--help"], [cmd, sub, "-h"], ["help", cmd, sub],
                              [cmd, sub, "ARG", "--flag", "v", "--help"])
        self.assertGreater(seen_sub, 5)   # bench, traces, kubevirt-graph have subcommands

    def kinds(self, cmd, title):
        names = listing(self.help("help", cmd).out, title)
        self.assertGreater(len(names), 0, f"`perfsql help {cmd}` lists no {title}")
        for name in names:
            with self.subTest(cmd=cmd, name=name):
                usage = self.same(["help", cmd, name], [cmd, name, "--help"], [cmd, name, "-h"],
                                  [cmd, name, "some/file", "--help"])
                first = usage.splitlines()[0]
                self.assertRegex(first, r"^usage: perfsql (\[-d DB\] )?" + re.escape(f"{cmd} {name}") + r"( |$)")
                self.assertIn("--", usage, f"{cmd} {name}: no flags shown")
                self.assertRegex(usage, r"(?m)^examples?:", f"{cmd} {name}: no example")
                self.assertIn(f"perfsql {cmd} {name}", usage.split("example", 1)[1])
        return names

    def test_every_load_kind(self):
        self.assertIn("perf", self.kinds("load", "kinds"))

    def test_every_export_target(self):
        self.assertIn("kubevirt", self.kinds("export", "targets"))

    def test_unknown_names_are_usage_errors(self):
        for args in (["help", "nosuch"], ["nosuch", "--help"], ["help", "load", "nosuch"],
                     ["load", "nosuch", "--help"], ["help", "export", "nosuch"], ["help", "bench", "nosuch"]):
            with self.subTest(args=args):
                r = self.help(*args)
                self.assertEqual(r.rc, 2, r)
                self.assertEqual(r.out, "")
                self.assertIn("nosuch", r.err)

    def test_global_help(self):
        a, b = self.help("--help"), self.help("help")
        self.assertEqual((a.rc, a.out), (0, b.out))
        self.assertEqual(self.help().rc, 2)      # no command at all: usage error, help on stdout


if __name__ == "__main__":
    unittest.main()
