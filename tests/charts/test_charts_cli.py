"""Charts through the CLI and Python: `perfsql plot` (SQL and VIEW), `perfsql
report --html` (self-contained, escaped, images decodable), write_file(),
golden images per chart kind (compared pixel by pixel with a small tolerance;
PERFSQL_REGEN_GOLDEN=1 rewrites them, only on purpose), and the demo step.

PNGs are decoded by tests/charts/pngread.py (zlib + PNG filters), a reader
independent of libgd."""
import base64
import os
import re
import shutil
import subprocess

import harness
import pngread

GOLDEN_DIR = os.path.join(harness.DATA, "charts")

# One deterministic query per chart kind (600x300 keeps the Python decoder quick).
GOLDEN = {
    "line": "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 199) "
            "SELECT chart_line(x, y, k, '{\"width\":600,\"height\":300,\"title\":\"golden line\","
            "\"y_label\":\"ms\",\"markers\":[{\"x\":\"2025-03-25\",\"label\":\"v1.5.0\",\"color\":\"grey\","
            "\"width\":2,\"dash\":\"dot\"}],\"bands\":[{\"x0\":\"2025-04-10\",\"x1\":\"2025-04-30\"}]}') "
            "FROM (SELECT date('2025-01-01', '+' || (i / 2) || ' days') AS x, "
            "10 + (i % 2) * 5 + (i * 37 % 11) / 4.0 AS y, CASE i % 2 WHEN 0 THEN 'a' ELSE 'b' END AS k FROM s)",
    "scatter": "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 299) "
               "SELECT chart_scatter(i * 37 % 1000, i * 53 % 700 + i, i % 3, "
               "'{\"width\":600,\"height\":300,\"title\":\"golden scatter\"}') FROM s",
    "bar": "WITH v(c, val, s, e) AS (VALUES ('read', 120000, 'base', 4000), ('read', 118000, 'cand', 3000), "
           "('write', 80000, 'base', 2500), ('write', 61000, 'cand', '[55000, 64000]')) "
           "SELECT chart_bar(c, val, s, e, '{\"width\":600,\"height\":300,\"title\":\"golden bar\"}') FROM v",
    "heatmap": "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 119) "
               "SELECT chart_heatmap((i % 20) * 10, 'cpu' || (i / 20), (i % 20) * (i / 20), "
               "'{\"width\":600,\"height\":300,\"title\":\"golden heatmap\",\"z_label\":\"events\"}') FROM s",
}


def diff_pixels(a, b, tol=24):
    """Number of pixels whose channels differ by more than tol."""
    bad = 0
    for y in range(a.h):
        ra, rb = a.rows[y], b.rows[y]
        if ra == rb:
            continue
        for x in range(a.w):
            o, p = x * a.bpp, x * b.bpp
            if (abs(ra[o] - rb[p]) > tol or abs(ra[o + 1] - rb[p + 1]) > tol
                    or abs(ra[o + 2] - rb[p + 2]) > tol):
                bad += 1
    return bad


class ChartsCli(harness.TempDirTest):
    def plot(self, sql, name="out.png", **kw):
        out = os.path.join(self.tmp, name)
        r = self.ok(["plot", "-o", out, sql], **kw)
        with open(out, "rb") as f:
            return f.read(), r

    def test_plot_writes_png_of_requested_size(self):
        png, r = self.plot("SELECT chart_line(x, x * x, 'sq', '{\"width\":640,\"height\":320}') "
                           "FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3)")
        self.assertEqual(pngread.size(png), (640, 320))
        self.assertIn("wrote", r.out)
        png, _ = self.plot("SELECT chart_bar('a', 1, 's')", "bar.png")
        self.assertEqual(pngread.size(png), (1200, 600))

    def test_plot_view(self):
        self.ok(["sql", "CREATE TABLE pts(x, y); INSERT INTO pts VALUES (1, 2), (2, 4), (3, 3);"
                        "CREATE VIEW pts_chart AS SELECT 'pts' AS name, "
                        "chart_scatter(x, y, 'p', '{\"width\":300,\"height\":200}') AS chart FROM pts"])
        png, _ = self.plot("pts_chart")
        self.assertEqual(pngread.size(png), (300, 200))
        r = self.fails(["plot", "-o", os.path.join(self.tmp, "x.png"), "no_such_view"])
        self.assertIn("no_such_view: no such view or table", r.err)

    def test_canned_chart_view(self):
        self.ok(["sql", "INSERT INTO source(kind, uri, content_hash, row_counts) VALUES "
                        "('bench-json', 'a.json', 'h1', '{\"t\": 500}'), ('perf', 'p.data', 'h2', '{\"t\": 1500}')"])
        png, _ = self.plot("load_history_chart")
        img = pngread.decode(png)
        self.assertEqual((img.w, img.h), (1200, 600))
        # two bars: the first palette colour (bench-json) and the second (perf)
        colours = {img.px(x, y) for y in range(0, 600, 3) for x in range(0, 1200, 3)}
        self.assertIn((0x00, 0x72, 0xB2), colours)
        self.assertIn((0xE6, 0x9F, 0x00), colours)
        r = self.ok(["sql", "--format", "csv", "SELECT loads FROM load_history_chart"])
        self.assertEqual(r.out.split(), ["loads", "2"])

    def test_plot_each(self):
        self.ok(["sql", "CREATE TABLE m(metric, x, y); INSERT INTO m VALUES "
                        "('cpu/usr', 1, 2), ('cpu/usr', 2, 3), ('mem', 1, 5), ('mem', 2, 4);"
                        "CREATE VIEW per_metric AS SELECT metric, chart_line(x, y, metric, "
                        "'{\"width\":300,\"height\":150}') AS chart FROM m GROUP BY metric"])
        out = os.path.join(self.tmp, "each")
        for _ in range(2):          # a rerun overwrites, it does not add cpu_usr-2.png
            self.ok(["plot", "per_metric", "--each", out])
        # file names go through safe_path_component: 'cpu/usr' is cleaned up and gets a
        # short hash of the original name (so that a metric really named cpu_usr stays apart)
        names = sorted(os.listdir(out))
        self.assertEqual(len(names), 2, names)
        self.assertRegex(names[0], r"^cpu_usr-[0-9a-f]{10}\.png$")
        self.assertEqual(names[1], "mem.png")
        for f in os.listdir(out):
            self.assertEqual(pngread.size(open(os.path.join(out, f), "rb").read()), (300, 150))
        self.fails(["plot", "per_metric", "--each", out, "-o", "x.png"], rc=2)

    def test_plot_errors(self):
        out = os.path.join(self.tmp, "x.png")
        r = self.fails(["plot", "-o", out, "SELECT 1"])
        self.assertIn("returned no PNG chart", r.err)
        r = self.fails(["plot", "-o", out, "SELECT chart_line(x, 1, 's') FROM (SELECT 1 AS x "
                                           "UNION ALL SELECT 'a')"])
        self.assertIn("chart_line: row 2: mixed x types", r.err)
        r = self.fails(["plot", "-o", out, "SELECT chart_line(1, 1, 's', '{\"height\":20}')"])
        self.assertIn("height: 20 out of range 100..4096", r.err)
        self.assertFalse(os.path.exists(out))
        self.fails(["plot", "SELECT 1"], rc=2)

    def test_missing_font_is_named(self):
        r = self.fails(["plot", "-o", os.path.join(self.tmp, "x.png"), "SELECT chart_bar('a', 1, 's')"],
                       env={"PERFSQL_FONT_DIR": os.path.join(self.tmp, "nofonts")})
        self.assertIn(os.path.join(self.tmp, "nofonts", "DejaVuSans.ttf") + " not found", r.err)

    def test_no_rows_gives_no_data_png(self):
        png, _ = self.plot("SELECT chart_heatmap(1, 'a', 1) WHERE 0")
        img = pngread.decode(png)
        self.assertEqual((img.w, img.h), (1200, 600))
        dark = sum(1 for y in range(280, 320) for x in range(540, 660) if img.px(x, y)[1] < 160)
        self.assertGreater(dark, 30, "the 'no data' text is missing")

    def test_report_html_is_self_contained_and_escaped(self):
        self.ok(["sql", "CREATE TABLE t(name, v, note); "
                        "INSERT INTO t VALUES ('a', 1, '<script>alert(1)</script> & co'), ('b', 2.5, NULL);"
                        "CREATE VIEW t_report AS SELECT name, v, note, chart_bar(name, v, 'v', "
                        "'{\"width\":320,\"height\":200}') AS chart FROM t GROUP BY name"])
        out = os.path.join(self.tmp, "sub", "r.html")
        self.ok(["report", "t_report", "--html", out, "--title", "T & <U>"])
        html = open(out, encoding="utf-8").read()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertNotIn("<script", html)
        self.assertNotRegex(html, r"(src|href)=\"(https?:)?//")
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", html)
        self.assertIn("<title>T &amp; &lt;U&gt;</title>", html)
        imgs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
        self.assertEqual(len(imgs), 2)
        for b in imgs:
            self.assertEqual(pngread.size(base64.b64decode(b, validate=True)), (320, 200))
        # two views: a list of links to their sections
        out2 = os.path.join(self.tmp, "two.html")
        self.ok(["report", "t_report", "load_history", "--html", out2])
        two = open(out2, encoding="utf-8").read()
        for name in ("t_report", "load_history"):
            self.assertIn(f'<a href="#{name}">{name}</a>', two)
            self.assertIn(f'<h2 id="{name}">{name}</h2>', two)
        self.assertIn("what has been loaded into this database", two)   # the view's documentation
        # --max-rows: the rest is counted, not shown
        out3 = os.path.join(self.tmp, "cut.html")
        self.ok(["sql", "CREATE TABLE five(i); INSERT INTO five VALUES (1), (2), (3), (4), (5)"])
        self.ok(["report", "five", "--html", out3, "--max-rows", "2"])
        cut = open(out3, encoding="utf-8").read()
        self.assertEqual(cut.count('<td class="num">'), 2)
        self.assertIn("3 more rows not shown", cut)
        # without --html: the rows
        r = self.ok(["report", "t_report", "--format", "csv"])
        self.assertIn("name,v,note,chart", r.out.splitlines()[0])
        r = self.fails(["report", "nope", "--html", out])
        self.assertIn("nope: no such view or table", r.err)

    def test_write_file_from_python_and_not_from_views(self):
        path = os.path.join(self.tmp, "w.png")
        r = harness.python_with_ext(
            "con = sqlite3.connect(':memory:'); load(con)\n"
            f"n = con.execute(\"SELECT write_file({path!r}, chart_bar('a', 1, 's'))\").fetchone()[0]\n"
            "print(n)\n"
            "con.execute('CREATE VIEW w AS SELECT write_file(\\'/tmp/x\\', 1)')\n"
            "try:\n"
            "    con.execute('SELECT * FROM w').fetchall(); print('view allowed')\n"
            "except sqlite3.Error as e:\n"
            "    print('refused:', e)\n")
        self.assertEqual(r.rc, 0, repr(r))
        data = open(path, "rb").read()
        self.assertEqual(int(r.out.splitlines()[0]), len(data))
        self.assertEqual(pngread.size(data), (1200, 600))
        self.assertIn("refused:", r.out)
        r = harness.python_with_ext(
            "con = sqlite3.connect(':memory:'); load(con)\n"
            "try:\n"
            "    con.execute(\"SELECT write_file('/nonexistent-dir/x.png', 'x')\").fetchone()\n"
            "except sqlite3.Error as e:\n"
            "    print(e)\n")
        self.assertIn("write_file: /nonexistent-dir/x.png: No such file or directory", r.out)

    def test_golden_images(self):
        regen = os.environ.get("PERFSQL_REGEN_GOLDEN")
        for kind, sql in GOLDEN.items():
            with self.subTest(kind=kind):
                png, _ = self.plot(sql, f"{kind}.png")
                golden = os.path.join(GOLDEN_DIR, f"golden_{kind}.png")
                if regen:
                    with open(golden, "wb") as f:
                        f.write(png)
                    continue
                self.assertTrue(os.path.exists(golden), f"{golden} missing (PERFSQL_REGEN_GOLDEN=1)")
                want = pngread.decode(open(golden, "rb").read())
                got = pngread.decode(png)
                self.assertEqual((got.w, got.h), (want.w, want.h))
                bad = diff_pixels(got, want)
                self.assertLessEqual(bad, got.w * got.h // 500,
                                     f"{kind}: {bad} pixels differ from {golden}")

    def test_png_is_perfsql_palette_png_with_marks_before_iend(self):
        # ext/chart_png.c writes palette images itself (libgd draws them): IHDR
        # 8-bit palette, PLTE, pHYs (96 dpi, as libgd wrote it), one IDAT whose
        # zlib stream is one dynamic-Huffman block (Python's zlib checks its
        # Adler-32), row 0 filter None and every other row filter Up, the marks
        # chunk right before IEND; every CRC correct; the pixels those of the
        # golden image exactly; and pngcheck (.ci/packages/test-charts.txt), a
        # third decoder besides pngread and libgd (unit.chart_geometry), agrees.
        import struct
        import zlib
        png, _ = self.plot(GOLDEN["line"])
        chunks, pos = [], 8
        while pos < len(png):
            n, kind = struct.unpack(">I4s", png[pos:pos + 8])
            body = png[pos + 4:pos + 12 + n - 4]
            self.assertEqual(struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])[0], zlib.crc32(body), kind)
            chunks.append((kind, png[pos + 8:pos + 8 + n]))
            pos += 12 + n
        self.assertEqual(pos, len(png))
        self.assertEqual([k for k, _ in chunks], [b"IHDR", b"PLTE", b"pHYs", b"IDAT", b"iTXt", b"IEND"])
        c = dict(chunks)
        self.assertEqual(struct.unpack(">IIBBBBB", c[b"IHDR"]), (600, 300, 8, 3, 0, 0, 0))
        self.assertEqual(len(c[b"PLTE"]) % 3, 0)
        self.assertLessEqual(len(c[b"PLTE"]) // 3, 256)
        self.assertEqual(struct.unpack(">IIB", c[b"pHYs"]), (3780, 3780, 1))
        idat = c[b"IDAT"]
        self.assertEqual(idat[:2], b"\x78\x01")
        self.assertEqual(idat[2] & 7, 1 | 2 << 1)          # BFINAL, BTYPE 10: dynamic codes
        raw = zlib.decompress(idat)
        self.assertEqual(len(raw), 300 * 601)
        self.assertEqual([raw[y * 601] for y in range(300)], [0] + [2] * 299)
        prev, used = bytes(600), 0
        for y in range(300):          # undo Up: every index is a PLTE entry
            row = raw[y * 601 + 1:(y + 1) * 601]
            if y:
                row = bytes((a + b) & 255 for a, b in zip(row, prev))
            used, prev = max(used, max(row)), row
        self.assertLess(used, len(c[b"PLTE"]) // 3)
        self.assertTrue(c[b"iTXt"].startswith(b"perfsql:marks\0\x01\0"))   # compressed
        self.assertTrue(pngread.text_chunks(png)["perfsql:marks"].startswith("perfsql-marks 1 600 300 0\n"))
        want = pngread.decode(open(os.path.join(GOLDEN_DIR, "golden_line.png"), "rb").read())
        got = pngread.decode(png)
        self.assertEqual(got.rows, want.rows)
        self.assertEqual(diff_pixels(got, want, tol=0), 0)
        exe = shutil.which("pngcheck")
        self.assertIsNotNone(exe, "pngcheck is not installed (.ci/packages/test-charts.txt)")
        files = [os.path.join(self.tmp, "out.png")]
        # sizes that end rows in the middle of the 8-byte scan, a chart with no
        # data, one with a single colour run per row, 4096 px wide
        for i, sql in enumerate([
                "SELECT chart_line(1, 1, 's', '{\"width\":101,\"height\":103}')",
                "SELECT chart_scatter(x, x, 's', '{\"width\":4096,\"height\":100}') FROM (SELECT 1 AS x UNION ALL SELECT 2)",
                "SELECT chart_bar(c, v, 's', '{\"width\":333,\"height\":117}') FROM (SELECT 'a' AS c, 1 AS v) WHERE 0",
                "SELECT chart_heatmap(x % 7, 'r' || (x % 3), x, '{\"width\":1999,\"height\":250}') "
                "FROM (WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < 40) SELECT x FROM s)"]):
            _, _ = self.plot(sql, f"edge{i}.png")
            files.append(os.path.join(self.tmp, f"edge{i}.png"))
        r = subprocess.run([exe, "-q"] + files, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for f in files[1:]:
            img = pngread.decode(open(f, "rb").read())
            self.assertEqual(len(img.rows), img.h)

    def test_golden_comparison_can_fail(self):
        # the same chart with a few more points must not pass as the golden line
        # chart: more pixels differ than test_golden_images tolerates
        sql = GOLDEN["line"].replace("i < 199", "i < 209")
        png, _ = self.plot(sql)
        want = pngread.decode(open(os.path.join(GOLDEN_DIR, "golden_line.png"), "rb").read())
        got = pngread.decode(png)
        self.assertGreater(diff_pixels(got, want), got.w * got.h // 500)

    def layout(self, sql):
        """(PNG bytes, chart_layout() of it as a dict) through Python's sqlite3."""
        r = harness.python_with_ext(
            "import json\n"
            "con = sqlite3.connect(':memory:'); load(con)\n"
            f"png = con.execute({sql!r}).fetchone()[0]\n"
            "print(json.dumps({'png': png.hex(), 'layout': con.execute('SELECT chart_layout(?)', (png,)).fetchone()[0]}))\n")
        self.assertEqual(r.rc, 0, r.err)
        import json
        d = json.loads(r.out)
        return bytes.fromhex(d["png"]), (json.loads(d["layout"]) if d["layout"] else None)

    def test_layout_marks_sit_on_the_drawn_points(self):
        # three points of one series; the box of each mark is centred on its disc
        png, lay = self.layout("SELECT chart_scatter(x, y, 'lat', '{\"width\":400,\"height\":300,"
                               "\"x_label\":\"size\",\"x_unit\":\"KiB\",\"y_label\":\"latency\","
                               "\"y_unit\":\"ms\"}') FROM (SELECT 1 AS x, 10 AS y UNION ALL "
                               "SELECT 2, 30.25 UNION ALL SELECT 3, 220889300)")
        self.assertEqual((lay["width"], lay["height"], lay["truncated"]), (400, 300, False))
        self.assertEqual((lay["x"], lay["y"]), ("size", "latency"))
        marks = {m["y"]: m for m in lay["marks"]}
        self.assertEqual(sorted(marks), ["10 ms", "220.889\u2009M ms", "30.25 ms"])
        self.assertEqual(marks["30.25 ms"]["x"], "2 KiB")
        self.assertEqual(marks["30.25 ms"]["series"], "lat")
        img = pngread.decode(png)
        for m in lay["marks"]:
            x0, y0, x1, y1 = m["box"]
            r, g, b = img.px((x0 + x1) // 2, (y0 + y1) // 2)
            self.assertEqual((r, g, b), (0x00, 0x72, 0xB2), m)       # the disc's colour
        # the higher value is drawn higher
        self.assertLess(marks["220.889\u2009M ms"]["box"][1], marks["10 ms"]["box"][1])

    def test_marks_text_small_medium_large(self):
        # the marks chunk is stored plainly up to 1 KiB, compressed by perfsql's
        # block writer up to 64 KiB and by zlib beyond (ext/chart_png.c): each
        # way chart_layout reads back every mark, with the values of its point
        import zlib
        for n, method in ((3, 0), (1500, 1), (4000, 1)):
            with self.subTest(points=n):
                # a grid of 100 columns, points ~11 px apart: one mark each
                png, lay = self.layout(
                    "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
                    "SELECT chart_scatter(i %% 100, i / 100, 'p', '{\"width\":1200,\"height\":600}') FROM s"
                    % (n - 1))
                self.assertEqual(len(lay["marks"]), n)
                self.assertEqual(sorted((int(m["y"]), int(m["x"])) for m in lay["marks"]),
                                 [(i // 100, i % 100) for i in range(n)])
                text = pngread.text_chunks(png)["perfsql:marks"]
                self.assertEqual(text.count("\n"), n + 2)
                at = png.index(b"iTXtperfsql:marks\0")
                self.assertEqual(png[at + 18], method)                 # compression flag
                size = len(text.encode())
                self.assertTrue(size <= 1024 if n == 3 else size > 65536 if n == 4000 else 1024 < size <= 65536,
                                size)
                if method:
                    body = png[at + 18 + 4:]
                    zlib.decompressobj().decompress(body)              # a valid zlib stream

    def test_layout_of_bars_cells_and_markers(self):
        _, lay = self.layout("SELECT chart_bar(c, v, 's', '{\"width\":400,\"height\":300}') FROM "
                             "(SELECT 'BM_Sort/1024:cpu_time' AS c, 115152553 AS v UNION ALL "
                             "SELECT 'BM_Sort/1024:real_time', 220889300)")
        self.assertEqual([(m["x"], m["y"]) for m in lay["marks"]],
                         [("BM_Sort/1024:cpu_time", "115.153\u2009M"), ("BM_Sort/1024:real_time", "220.889\u2009M")])
        tall = lay["marks"][1]["box"]
        self.assertLess(tall[1], lay["marks"][0]["box"][1])
        _, lay = self.layout("SELECT chart_heatmap('b', 'row', 7, '{\"width\":300,\"height\":200}')")
        self.assertEqual(len(lay["marks"]), 1)
        self.assertEqual((lay["marks"][0]["series"], lay["marks"][0]["x"], lay["marks"][0]["y"], lay["y"]),
                         ("row", "b", "7", "value"))
        _, lay = self.layout("SELECT chart_line(d, 1, 's', '{\"markers\":[{\"x\":\"2025-03-25\","
                             "\"label\":\"v1.5.0\"}]}') FROM (SELECT '2025-01-01' AS d UNION ALL SELECT '2025-12-31')")
        self.assertEqual([(m["series"], m["x"]) for m in lay["marks"]][-1], ("v1.5.0", "2025-03-25"))
        self.assertIn(("s", "2025-12-31", "1"), [(m["series"], m["x"], m["y"]) for m in lay["marks"]])
        # an empty category (a task without a name) is labelled, on the axis and on hover
        png, lay = self.layout("SELECT chart_bar(c, v, 's', '{\"width\":400,\"height\":300}') FROM "
                               "(SELECT '' AS c, 5 AS v UNION ALL SELECT 'b', 7)")
        self.assertEqual([m["x"] for m in lay["marks"]], ["(no name)", "b"])
        img = pngread.decode(png)
        x0, _, x1, y1 = lay["marks"][0]["box"]          # the bar; its label is below the axis
        ink = sum(1 for y in range(y1 + 4, min(y1 + 30, img.h)) for x in range(x0, x1)
                  if max(img.px(x, y)) < 128)
        self.assertGreater(ink, 20)
        # no marks on request; not a PNG is an error
        _, lay = self.layout("SELECT chart_line(1, 1, 's', '{\"marks\":false}')")
        self.assertIsNone(lay)
        r = harness.python_with_ext(
            "con = sqlite3.connect(':memory:'); load(con)\n"
            "try:\n"
            "    con.execute(\"SELECT chart_layout(x'00')\").fetchone()\n"
            "except sqlite3.Error as e:\n"
            "    print(e)\n")
        self.assertIn("chart_layout: the argument is not a PNG", r.out)

    def test_html_report_has_image_maps_and_no_script(self):
        self.ok(["sql", "CREATE TABLE r(bench, ops, build); INSERT INTO r VALUES "
                        "('read', 100, 'base'), ('read', 90.5, 'cand');"
                        "CREATE VIEW r_chart AS SELECT chart_bar(bench, ops, build, "
                        "'{\"width\":500,\"height\":300,\"y_unit\":\"ops/s\"}') AS chart FROM r"])
        html = os.path.join(self.tmp, "r.html")
        self.ok(["report", "r_chart", "--html", html])
        page = open(html, encoding="utf-8").read()
        self.assertNotIn("<script", page.lower())
        self.assertIn('usemap="#chart-map-1"', page)
        areas = re.findall(r'<area shape="rect" coords="(\d+),(\d+),(\d+),(\d+)" title="([^"]*)"', page)
        self.assertEqual(len(areas), 2)
        self.assertEqual(areas[1][4], "cand&#10;x: read&#10;y: 90.5 ops/s")
        # the marks chunk is not embedded twice: the page's PNG has none
        b64 = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
        self.assertNotIn("perfsql:marks", pngread.text_chunks(base64.b64decode(b64)))

    def test_demo_writes_every_kind(self):
        out = os.path.join(self.tmp, "out")
        self.ok(["demo", "--out", out])
        files = sorted(os.listdir(os.path.join(out, "charts")))
        for f in ["weekly_line.png", "trace_line.png", "compare_bar.png", "sched_heatmap.png",
                  "latency_scatter.png", "index.html"]:
            self.assertIn(f, files)
        for f in files:
            if f.endswith(".png"):
                self.assertEqual(pngread.size(open(os.path.join(out, "charts", f), "rb").read()),
                                 (1200, 600))
        html = open(os.path.join(out, "charts", "index.html"), encoding="utf-8").read()
        self.assertEqual(html.count("data:image/png;base64,"), 5 + 5)


if __name__ == "__main__":
    harness.main()
