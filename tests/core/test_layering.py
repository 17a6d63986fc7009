"""The floors of the source tree (README "Architecture") hold: each file includes
only its own floor or the floors below, with one include style, and the compiled
objects of a floor call nothing defined on a floor above.

  ext/                 floor 1: the extension and the libraries it needs
  loaders/<name>/      floor 2: one loader per directory; loaders/common is shared
  cli/                 floor 3: commands

Include style: a header of the file's own directory or of ext/ by its bare name
("perfsql.h"), a loader's header as "<loader>/<header>.h" ("common/load.h"),
never a relative path ("../"). The oracles are the source text and binutils' nm
on the objects the build produced."""
import glob
import os
import re
import subprocess
import unittest

import harness

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(pattern):
    return sorted(glob.glob(os.path.join(harness.SRC, pattern), recursive=True))


def rel(path):
    return os.path.relpath(path, harness.SRC)


def headers(directory):
    return {os.path.basename(h) for h in glob.glob(os.path.join(harness.SRC, directory, "*.h"))}


EXT_HEADERS = headers("ext")
LOADERS = sorted(d for d in os.listdir(os.path.join(harness.SRC, "loaders"))
                 if os.path.isdir(os.path.join(harness.SRC, "loaders", d)))


def allowed(path, inc):
    """None when `#include "inc"` in path follows the floors and the style, else why not."""
    if "../" in inc or inc.startswith("./"):
        return "relative include path"
    parts = rel(path).split(os.sep)
    own_dir = os.path.dirname(path)
    if "/" not in inc:
        if os.path.exists(os.path.join(own_dir, inc)):
            return None
        if inc in EXT_HEADERS:
            return None
        # tests are built with tests/unit and cli/ on the include path too
        if parts[0] == "tests" and (inc in headers("tests/unit") or inc in headers("cli")):
            return None
        return "no such header in the file's directory or in ext/"
    sub, name = inc.split("/", 1)
    if sub not in LOADERS or not os.path.exists(os.path.join(harness.SRC, "loaders", sub, name)):
        return "not a loader header"
    if parts[0] == "ext":
        return "ext/ (floor 1) includes a loader (floor 2)"
    if parts[0] == "loaders":
        if parts[1] == sub:
            return "own directory: include by bare name"
        if sub != "common":
            return "a loader includes another loader (only loaders/common is shared)"
    return None


class Includes(unittest.TestCase):
    def check(self, pattern):
        bad = []
        for path in sources(pattern):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                why = allowed(path, inc)
                if why:
                    bad.append(f'{rel(path)}: #include "{inc}": {why}')
        self.assertEqual(bad, [], "\n".join(bad))

    def test_ext(self):
        self.check("ext/**/*.[ch]")

    def test_loaders(self):
        self.check("loaders/**/*.[ch]")

    def test_cli(self):
        self.check("cli/**/*.[ch]")

    def test_tests(self):
        self.check("tests/**/*.[ch]")


def objects(*dirs):
    """The object files of the sources that exist now (a build tree keeps the
    objects of moved or deleted sources)."""
    out = []
    for d in dirs:
        target, _, sub = d.partition("/")
        root = os.path.join(harness.BUILD, "CMakeFiles", target)
        for o in glob.glob(os.path.join(root, sub, "**", "*.o"), recursive=True):
            if os.path.exists(os.path.join(harness.SRC, os.path.relpath(o, root)[:-2])):
                out.append(o)
    return out


def nm(args, objs):
    p = subprocess.run(["nm", *args, *objs], capture_output=True, text=True, check=True)
    return p.stdout


def defined(objs):
    syms = set()
    for line in nm(["--defined-only"], objs).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDBRtdbr":
            syms.add(f[2])
    return syms


def undefined_by_object(objs):
    out, current = {}, None
    for line in nm(["-u", "-A"], objs).splitlines():
        # "path/to/x.o:                 U name"
        path, _, rest = line.partition(":")
        f = rest.split()
        if f:
            out.setdefault(path, set()).add(f[-1])
    return out


class Objects(unittest.TestCase):
    def setUp(self):
        self.ext = objects("perfsql_core.dir/ext")
        self.loaders = {d: objects(f"perfsql_core.dir/loaders/{d}") for d in LOADERS}
        self.cli = objects("perfsql.dir/cli")
        if not self.ext or not self.cli:
            self.skipTest(f"no object files under {harness.BUILD}/CMakeFiles")

    def calls_into(self, lower, higher):
        up = defined(higher)
        bad = []
        for obj, syms in sorted(undefined_by_object(lower).items()):
            for s in sorted(syms & up):
                bad.append(f"{os.path.relpath(obj, harness.BUILD)} calls {s}")
        return bad

    def test_ext_calls_nothing_above(self):
        above = sum(self.loaders.values(), []) + self.cli
        self.assertEqual(self.calls_into(self.ext, above), [])

    def test_loaders_call_no_cli_and_no_other_loader(self):
        bad = self.calls_into(sum(self.loaders.values(), []), self.cli)
        for d, objs in self.loaders.items():
            others = sum((o for e, o in self.loaders.items() if e not in (d, "common")), [])
            bad += self.calls_into(objs, others)
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main()
