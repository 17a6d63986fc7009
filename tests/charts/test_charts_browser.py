"""A report page rendered by a real browser: Debian's chromium (installed here
when missing, as .ci/packages/test-charts.txt also lists it) takes a headless
screenshot of `perfsql report --html` output, offline. The screenshot must
have the requested size, must not be blank, and must show the embedded
chart: a block of the chart's first palette colour (#0072B2, the bars) that
only exists if the data: URI image was decoded and drawn."""
import os
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


if __name__ == "__main__":
    harness.main()
