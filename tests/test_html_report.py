"""``rosa report --format html``: one self-contained, printable page with charts.

The browser tests open the page in headless Chromium (Debian's ``chromium``, which
``.ci/run`` installs); they skip, saying why, only where no Chromium can be found.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import add_woman, open_stay, run_ok

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--hide-scrollbars", "--mute-audio",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium not found on PATH (Debian: apt-get install chromium; .ci/run installs it)")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180,
    )


def html_report(records: Path, tmp_path: Path, *args: str, name: str = "report.html") -> Path:
    out = tmp_path / name
    result = run_ok(records, "report", *args, "-o", str(out))  # the .html extension picks the format
    assert result.stdout == ""
    return out


def report_json(records: Path, *args: str) -> dict:
    return json.loads(run_ok(records, "report", "--format", "json", *args).stdout)


class Page(HTMLParser):
    """Tags with their attributes, and the text of headings and table cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list = []
        self.h2: list = []
        self.cells: list = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("h2", "td"):
            self._in, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag == self._in:
            (self.h2 if tag == "h2" else self.cells).append(self._text)
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def page_2006(tmp_path_factory, sample_records) -> Path:
    """``rosa report --year 2006 -o report.html`` on the sample records, made once."""
    folder = tmp_path_factory.mktemp("html")
    return html_report(sample_records, folder, "--year", "2006")


def major_sections() -> set:
    from rosa_cli.charts import SECTION_KINDS

    return set(SECTION_KINDS)


# --- the page itself -------------------------------------------------------------------

def test_page_is_self_contained(page_2006):
    page = page_2006.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    parsed = parse(page)
    tags = Counter(tag for tag, _ in parsed.tags)
    assert tags["link"] == 0 and tags["script"] == 0 and tags["img"] == 0 and tags["iframe"] == 0
    assert tags["style"] == 1
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        for key in ("href", "xlink:href"):
            assert attrs.get(key, "#").startswith("#"), (tag, attrs)
    assert "@import" not in page and not re.search(r"url\((?!#)", page)
    # every id is unique on the page (several inline SVGs share it)
    ids = [attrs["id"] for _, attrs in parsed.tags if "id" in attrs]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_page_has_provenance_every_table_and_charts(sample_records, page_2006):
    from rosa_cli.core.folder import RecordsFolder
    from rosa_cli.report.sections import build_sections

    page = page_2006.read_text(encoding="utf-8")
    figures = report_json(sample_records, "--year", "2006")
    parsed = parse(page)
    assert '<html lang="nb">' in page
    assert "ROSA (fiktivt eksempel) — statistikk 2006" in page
    assert "1.1.2006 – 31.12.2006" in page
    assert figures["records"]["commit"] in page
    settings = RecordsFolder(sample_records).settings
    sections = build_sections(figures, settings, "nb")
    assert parsed.h2 == [section.title for section in sections]
    assert Counter(tag for tag, _ in parsed.tags)["table"] == len(sections)
    # a chart beside each major table, inside that table's section
    charted = set()
    for chunk in re.findall(r"<section .*?</section>", page, flags=re.S):
        if re.search(r"</table>\s*<figure class=\"chart\" data-kind=\"[^\"]+\">\s*<svg ", chunk):
            charted.add(re.search(r'id="([^"]+)"', chunk).group(1))
    assert charted == major_sections()
    # print: A4, no section split over two pages
    assert "@media print" in page and "size:A4" in page and "break-inside:avoid" in page
    # the figures: 1037 calls, 82 first-time inquiries from 24 nationalities
    assert "1037" in parsed.cells and "82" in parsed.cells and "24" in parsed.cells
    # each inline chart's bars are the table's figures: one per category
    for kind, path in (("calls", ("calls", "by_subject")), ("ages", ("admissions", "by_age_group"))):
        count = len(re.findall(rf'<g id="bar-{kind}-current-', page))
        assert count == len(figures[path[0]][path[1]])


def test_page_in_english_with_compare(sample_records, tmp_path):
    out = html_report(sample_records, tmp_path, "--year", "2006", "--compare", "--lang", "en")
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<h2>What the call was about</h2>" in page
    assert "<th class=\"n\">2005</th>" in page and "<th class=\"n\">Change</th>" in page
    assert 'id="bar-calls-previous-trafficking-first"' in page
    assert "<!-- Number of calls -->" in page


def test_public_page_hides_small_counts_and_their_bars(records, tmp_path):
    for month in range(2, 6):
        on = f"2006-{month:02d}-01"
        open_stay(records, add_woman(records, nationality="NG", first_contact=on), "oslo", on)
    # RO 3 as well: with AL 1 and BG 2 alone beside NG 4, AL + BG = 3 would show both small
    for nationality, on in (("AL", "2006-06-01"), ("BG", "2006-07-01"), ("BG", "2006-08-01"),
                            ("RO", "2006-09-01"), ("RO", "2006-09-02"), ("RO", "2006-09-03")):
        open_stay(records, add_woman(records, nationality=nationality, first_contact=on), "bergen", on)
    figures = report_json(records, "--year", "2006", "--public")
    by_nationality = figures["admissions"]["by_nationality"]
    hidden = [key for key, value in by_nationality.items() if value is None]
    shown = [key for key, value in by_nationality.items() if value is not None]
    assert hidden and shown
    page = html_report(records, tmp_path, "--year", "2006", "--public").read_text(encoding="utf-8")
    section = re.search(r'<section class="[^"]*" id="admissions_nationality">.*?</section>', page, re.S).group()
    assert section.count('<td class="n s">:</td>') == len(hidden)
    assert sorted(re.findall(r'<g id="(bar-admitted-nationalities-current-[^"]+)"', section)) == sorted(
        f"bar-admitted-nationalities-current-{key}" for key in shown)
    assert "«:» = skjult av personvernhensyn" in page
    assert "<dt>Offentlig versjon</dt><dd>vernet med komplementær celleskjuling" in page  # at the top


def test_html_is_reproducible(sample_records, tmp_path, page_2006):
    first = page_2006.read_bytes()
    second = html_report(sample_records, tmp_path, "--year", "2006", name="b.html").read_bytes()
    assert first == second


def test_format_html_to_stdout(sample_records):
    result = run_ok(sample_records, "report", "--year", "2006", "--format", "html")
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith("</html>")


# --- in a real browser -----------------------------------------------------------------

PROBE_HEAD = """<script>
window.__rosaErrors = [];
window.addEventListener("error", function (e) {
  window.__rosaErrors.push(String(e.message || (e.target && (e.target.src || e.target.href)) || e));
}, true);
</script>"""

PROBE_BODY = """<script>
(function () {
  var out = {errors: window.__rosaErrors, figures: [], tables: [],
             resources: performance.getEntriesByType("resource").map(function (e) { return e.name; })};
  document.querySelectorAll("figure.chart").forEach(function (f) {
    var svg = f.querySelector("svg"), box = svg.getBoundingClientRect(), style = getComputedStyle(f);
    var bars = Array.prototype.slice.call(svg.querySelectorAll('g[id^="bar-"]'));
    var drawn = bars.filter(function (b) { var r = b.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
    out.figures.push({kind: f.dataset.kind, section: f.closest("section").id, width: box.width, height: box.height,
                      display: style.display, visibility: style.visibility, bars: bars.length, drawn: drawn.length});
  });
  document.querySelectorAll("table").forEach(function (t) {
    var r = t.getBoundingClientRect(); out.tables.push({width: r.width, height: r.height});
  });
  var pre = document.createElement("pre");
  pre.id = "rosa-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def probed_copy(page: Path) -> Path:
    """A copy of the page with a script that writes what the browser drew into the DOM."""
    text = page.read_text(encoding="utf-8")
    text = text.replace("<head>", "<head>\n" + PROBE_HEAD, 1).replace("</body>", PROBE_BODY + "\n</body>", 1)
    copy = page.with_name("probed-" + page.name)
    copy.write_text(text, encoding="utf-8")
    return copy


def console_lines(stderr: str) -> list:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@pytest.mark.parametrize("args", [("--year", "2006"), ("--year", "2006", "--compare", "--public", "--lang", "en")])
def test_browser_renders_every_chart(sample_records, tmp_path, args):
    chromium()
    page = html_report(sample_records, tmp_path, *args)
    figures = report_json(sample_records, *args)
    done = run_chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
                        "--dump-dom", probed_copy(page).as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr) == []
    found = re.search(r'<pre id="rosa-probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    assert probe["errors"] == [] and probe["resources"] == []  # nothing failed, nothing fetched
    assert {f["section"] for f in probe["figures"]} == major_sections()
    paths = {"calls": ("calls", "by_subject"), "months": ("calls", "by_month"), "callers": ("calls", "by_caller"),
             "nationalities": ("calls", "first_time", "by_nationality"),
             "admitted-nationalities": ("admissions", "by_nationality"), "ages": ("admissions", "by_age_group"),
             "referrers": ("admissions", "by_referrer"), "residence": ("admissions", "by_residence"),
             "durations": ("stays", "by_duration_group"), "shelters": ("stays", "by_shelter"),
             "services": ("services", "by_kind"), "costs": ("services", "by_kind"),
             "activities": ("activities", "by_month"), "website": ("website", "by_month")}
    # charts of one figure inside each entry (services.by_kind.<kind>.women)
    fields = {"services": "women", "costs": "cost", "website": "visits"}
    compare = "--compare" in args
    for figure in probe["figures"]:
        assert figure["width"] > 200 and figure["height"] > 100, figure
        assert figure["display"] != "none" and figure["visibility"] == "visible", figure
        current, before = figures, figures.get("previous") or {}
        for part in paths[figure["kind"]]:
            current, before = current[part], before.get(part, {})
        field = fields.get(figure["kind"])
        if field:  # kinds with nothing in either period are left out, as in their tables
            kept = [key for key in {**current, **before}
                    if (current.get(key) or {}).get(field, 0) != 0 or (before.get(key) or {}).get(field, 0) != 0]
            current = {key: current[key][field] for key in kept if key in current}
            before = {key: before[key][field] for key in kept if key in before}
        values = list(current.values())
        if compare and figure["kind"] in ("months", "activities", "website"):  # month beside the same month a year before
            values += list(before.values())
        elif compare:  # every category of either period, 0 where a period has none
            values += [before.get(key, 0) for key in list(current) + [k for k in before if k not in current]]
            values += [0 for key in before if key not in current]
        assert figure["bars"] == sum(1 for v in values if v is not None), (figure, values)
        assert figure["drawn"] == sum(1 for v in values if v), figure  # zero and ':' draw nothing
    assert all(t["width"] > 0 and t["height"] > 0 for t in probe["tables"])


def test_browser_screenshot_and_a4_print(page_2006, tmp_path):
    chromium()
    page = page_2006
    shot = tmp_path / "report.png"
    done = run_chromium(tmp_path, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1200, 1600)
        colours = dict((colour, n) for n, colour in image.convert("RGB").getcolors(1 << 22))
    assert colours.get((0x00, 0x72, 0xB2), 0) > 5000  # the charts' bars are on screen
    pdf = tmp_path / "report.pdf"
    done = run_chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", data)
    assert len(pages) >= 3  # the parts of the report begin on new pages
    for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data):
        width, height = (float(v) for v in box.split()[2:4])
        assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 in points


def test_inline_svg_is_well_formed(page_2006):
    page = page_2006.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == len(major_sections())
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img" and root.get("aria-label")
