"""A report page rendered by a real browser: Debian's chromium (installed here
when missing, as .ci/packages/test-charts.txt also lists it) takes a headless
screenshot of `perfsql report --html` output, offline. The screenshot must
have the requested size, must not be blank, and must show the embedded
chart: a block of the chart's first palette colour (#0072B2, the bars) that
only exists if the data: URI image was decoded and drawn.

Hover: the report page has no script; the browser's own hit testing must
find, over the pixel where a known point was drawn (found by decoding the
chart's PNG), the <area> whose title carries that point's values. A test
page of ours (not the report) loads the report in an iframe and asks
document.elementFromPoint() there; --dump-dom prints the answer."""
import base64
import os
import re
import shutil
import subprocess

import harness
import pngread

W, H = 1100, 900


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
                       env=env, capture_output=True, timeout=900)
    return shutil.which("chromium")


class Browser(harness.TempDirTest):
    def screenshot(self, html_path, png_path):
        exe = chromium()
        self.assertIsNotNone(exe, "chromium is not installed and could not be installed")
        profile = os.path.join(self.tmp, "profile")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
               f"--user-data-dir={profile}", f"--screenshot={png_path}", f"--window-size={W},{H}",
               "file://" + html_path]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                           env=dict(os.environ, HOME=self.tmp))
        self.assertTrue(os.path.exists(png_path), f"no screenshot: rc={p.returncode}\n{p.stderr[-2000:]}")

    def test_report_renders_in_chromium(self):
        self.ok(["sql", "CREATE TABLE r(bench, ops, build); INSERT INTO r VALUES "
                        "('read', 100, 'base'), ('read', 90, 'cand'), ('write', 70, 'base'), ('write', 75, 'cand');"
                        "CREATE VIEW r_chart AS SELECT chart_bar(bench, ops, build, "
                        "'{\"width\":900,\"height\":420,\"title\":\"throughput\"}') AS chart FROM r"])
        html = os.path.join(self.tmp, "report.html")
        self.ok(["report", "r_chart", "--html", html])
        shot = os.path.join(self.tmp, "shot.png")
        self.screenshot(html, shot)
        img = pngread.decode(open(shot, "rb").read())
        self.assertEqual((img.w, img.h), (W, H))
        # not blank: many pixels that are not the white background
        sample = [img.px(x, y) for y in range(0, H, 4) for x in range(0, W, 4)]
        not_white = sum(1 for p in sample if min(p) < 230)
        self.assertGreater(not_white, len(sample) // 50)
        # the chart image itself: bars in #0072B2 (allow colour management drift)
        blue = sum(1 for p in sample
                   if abs(p[0] - 0x00) < 24 and abs(p[1] - 0x72) < 24 and abs(p[2] - 0xB2) < 24)
        self.assertGreater(blue, 200, "the embedded PNG chart is not visible in the page")

    def dump_dom(self, html_path):
        exe = chromium()
        self.assertIsNotNone(exe, "chromium is not installed and could not be installed")
        profile = os.path.join(self.tmp, "profile-dom")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--disable-dev-shm-usage", "--allow-file-access-from-files",
               f"--user-data-dir={profile}", f"--window-size={W},{H}", "--virtual-time-budget=5000",
               "--dump-dom", "file://" + html_path]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                           env=dict(os.environ, HOME=self.tmp))
        return p.stdout

    def test_hover_over_a_point_shows_its_values(self):
        # three points; the highest one (x=2, y=30.25) is the topmost blue disc in the PNG
        self.ok(["sql", "CREATE TABLE p(x, y); INSERT INTO p VALUES (1, 10), (2, 30.25), (3, 20);"
                        "CREATE VIEW p_chart AS SELECT chart_scatter(x, y, 'latency', "
                        "'{\"width\":600,\"height\":300,\"x_label\":\"size\",\"y_label\":\"time\","
                        "\"y_unit\":\"ms\"}') AS chart FROM p"])
        report = os.path.join(self.tmp, "report.html")
        self.ok(["report", "p_chart", "--html", report])
        page = open(report, encoding="utf-8").read()
        self.assertNotIn("<script", page.lower())
        b64 = re.search(r'usemap="#chart-map-1" src="data:image/png;base64,([^"]+)"', page).group(1)
        img = pngread.decode(base64.b64decode(b64))
        blue = [(x, y) for y in range(img.h) for x in range(img.w)
                if img.px(x, y) == (0x00, 0x72, 0xB2)]
        top = min(y for _, y in blue)
        disc = [(x, y) for x, y in blue if y <= top + 4]
        cx = sum(x for x, _ in disc) // len(disc)
        cy = top + 3                                   # the disc's centre row (radius 3)
        probe = os.path.join(self.tmp, "probe.html")
        with open(probe, "w", encoding="utf-8") as f:
            f.write(f"""<!DOCTYPE html><html><body style="margin:0">
<iframe id="r" src="file://{report}" style="width:{W}px;height:{H}px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById('r').onload = function () {{
  var d = this.contentDocument, img = d.querySelector('img[usemap]'), r = img.getBoundingClientRect();
  var e = d.elementFromPoint(r.left + {cx} + 0.5, r.top + {cy} + 0.5);
  var far = d.elementFromPoint(r.left + 2.5, r.top + 2.5);
  document.getElementById('out').textContent = 'HIT ' + e.tagName + ' ' + JSON.stringify(e.title) +
      ' FAR ' + far.tagName;
}};
</script></body></html>""")
        dom = self.dump_dom(probe)
        m = re.search(r"HIT (\w+) (\S.*?) FAR (\w+)", dom)
        self.assertIsNotNone(m, dom[-2000:])
        self.assertEqual(m.group(1), "AREA")
        self.assertEqual(m.group(2), '"latency\\nsize: 2\\ntime: 30.25 ms"')
        self.assertEqual(m.group(3), "IMG")                # the corner is no point


if __name__ == "__main__":
    harness.main()
