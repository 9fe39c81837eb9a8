"""The cache may make rosa faster, never change an answer (issue 16).

Random sequences of what happens to a records folder between two runs — a record
added, edited (also same-size with the old mtime put back), broken, deleted, touched,
moved to the wrong year, a new year folder — and after every step the cached run must
print byte for byte what ``ROSA_NO_CACHE=1`` prints: the JSON report of both years and
of one (which leaves the other year's folders unbuilt), ``check`` and ``woman list``. The folder is a copy of the fictional sample, so the cache holds a
few thousand real-looking records and the steps hit folders the cache serves whole.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from pathlib import Path
from typing import List

import pytest
from click.testing import CliRunner

from rosa_cli.cli.main import main

SAMPLE = Path(__file__).resolve().parent.parent / "records"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REPORT = ("report", "--from", "2005-01-01", "--to", "2006-12-31", "--format", "json", "--force")
# one year: the other year's folders are not built, only summarised (rosa_cli/core/summary.py)
YEAR_REPORT = ("report", "--year", "2006", "--format", "json")


def _run(folder: Path, *args: str, cache: bool) -> str:
    env = {"ROSA_NO_CACHE": None if cache else "1", "ROSA_PARALLEL_MIN_FILES": "1000000"}
    result = CliRunner().invoke(main, ["--records", str(folder), *args], env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return f"exit {result.exit_code}\n{result.stdout}"


def _assert_same(folder: Path, step: str, everything: bool = False) -> None:
    """The JSON report after every step; ``check`` and ``woman list`` too when asked
    (they read the same loaded records, so once per sequence keeps the test fast)."""
    for args in (REPORT, YEAR_REPORT, ("check",), ("woman", "list")) if everything else (REPORT, YEAR_REPORT, ("check",)):
        cached = _run(folder, *args, cache=True)
        uncached = _run(folder, *args, cache=False)
        assert cached == uncached, f"after {step}: `rosa {' '.join(args)}` differs with the cache"


def _files(folder: Path, kind: str) -> List[Path]:
    return sorted(p for p in (folder / kind).rglob("*.yaml"))


def _new_id(rng: random.Random, prefix: str, year: str) -> str:
    return f"{prefix}-{year}-" + "".join(rng.choice(CROCKFORD) for _ in range(5))


def _add(folder: Path, rng: random.Random) -> str:
    source = rng.choice(_files(folder, "calls"))
    year = source.parent.name
    new = _new_id(rng, "C", year)
    text = re.sub(r"^id: .*$", f"id: {new}", source.read_text(encoding="utf-8"), count=1, flags=re.M)
    (source.parent / f"{new}.yaml").write_text(text, encoding="utf-8")
    return "add"


def _edit(folder: Path, rng: random.Random) -> str:
    path = rng.choice(_files(folder, "calls"))
    text = path.read_text(encoding="utf-8")
    subjects = sorted({m for p in _files(folder, "calls")[:200] for m in re.findall(r"^subject: (.*)$", p.read_text(encoding="utf-8"), re.M)})
    new = re.sub(r"^subject: .*$", f"subject: {rng.choice(subjects)}", text, count=1, flags=re.M)
    path.write_text(new if new != text else text + "notes: edited\n", encoding="utf-8")
    return "edit"


def _same_size_edit(folder: Path, rng: random.Random) -> str:
    """A minute changed in ``at:``, the file's old mtime put back: only ctime tells."""
    path = rng.choice(_files(folder, "calls"))
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^at: \d{4}-\d\d-\d\d \d\d:\d(\d)", text, re.M)
    if not match:
        return "same-size edit (skipped)"
    digit = str((int(match.group(1)) + 1) % 10)
    path.write_text(text[: match.start(1)] + digit + text[match.end(1):], encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    return "same-size edit"


def _break(folder: Path, rng: random.Random) -> str:
    path = rng.choice(_files(folder, rng.choice(["calls", "women", "stays"])))
    choice = rng.randrange(3)
    if choice == 0:
        path.write_text("id: [unclosed\n", encoding="utf-8")
    elif choice == 1:
        path.write_text(path.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8").replace("\n", "\n\n", 1).replace("id:", "id: X", 1), encoding="utf-8")
    return "break"


def _delete(folder: Path, rng: random.Random) -> str:
    rng.choice(_files(folder, rng.choice(["calls", "women", "stays"]))).unlink()
    return "delete"


def _touch(folder: Path, rng: random.Random) -> str:
    for path in rng.sample(_files(folder, "calls"), 3):
        if rng.random() < 0.5:
            os.utime(path)
        else:
            os.utime(path, ns=(0, path.stat().st_mtime_ns - 10**9 * rng.randrange(1, 10**6)))
    return "touch"


def _misfile(folder: Path, rng: random.Random) -> str:
    """A call moved to another year's folder (a warning), or into a new year folder."""
    path = rng.choice(_files(folder, "calls"))
    target = folder / "calls" / rng.choice(["2005", "2006", "2004"])
    target.mkdir(mode=0o700, exist_ok=True)
    if target != path.parent:
        shutil.move(str(path), str(target / path.name))
    return "misfile"


def _replace_by_copy(folder: Path, rng: random.Random) -> str:
    """A file replaced by another's content under its own name (new inode, maybe same size)."""
    a, b = rng.sample(_files(folder, "women"), 2)
    text = b.read_text(encoding="utf-8").replace(b.stem, a.stem)
    tmp = a.with_name(a.name + ".new")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, a)
    return "replace"


def _name_someone_missing(folder: Path, rng: random.Random) -> str:
    """A call now names a woman who has no file (an error found across records)."""
    path = rng.choice(_files(folder, "calls"))
    text = re.sub(r"^woman: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(text + f"woman: {_new_id(rng, 'W', path.parent.name)}\n", encoding="utf-8")
    return "name a missing woman"


STEPS = [_add, _edit, _same_size_edit, _break, _delete, _touch, _misfile, _replace_by_copy, _name_someone_missing]


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".rosa-cache"))
    return folder


@pytest.mark.parametrize("seed", [1, 2])
def test_cached_answers_equal_uncached_after_random_changes(sample_copy, seed):
    rng = random.Random(seed)
    _assert_same(sample_copy, "nothing", everything=True)  # builds the cache
    assert (sample_copy / ".rosa-cache").is_dir()
    for _ in range(5):
        done = [rng.choice(STEPS)(sample_copy, rng) for _ in range(rng.randrange(1, 3))]
        # past the file system's clock tick, so the changed files are cacheable (not
        # "racily clean") and the next runs really serve them from the cache
        time.sleep(0.02)
        _assert_same(sample_copy, ", ".join(done))
    _assert_same(sample_copy, "the whole sequence", everything=True)


def test_every_kind_of_change_is_seen(sample_copy):
    """Each step once, in order, each checked on its own."""
    rng = random.Random(16)
    _assert_same(sample_copy, "nothing")
    for step in STEPS:
        name = step(sample_copy, rng)
        time.sleep(0.02)
        _assert_same(sample_copy, name)
    _assert_same(sample_copy, "every step", everything=True)


HTML = ("report", "--from", "2005-01-01", "--to", "2006-12-31", "--format", "html", "--force")


def test_html_charts_from_the_cache_equal_freshly_drawn_ones(sample_copy):
    """The HTML report's charts are kept by their figures: the page is byte for byte the
    freshly drawn one, also after a change that moves a figure (the chart is drawn again)."""
    import subprocess
    import sys

    fresh = _run(sample_copy, *HTML, cache=False)
    assert _run(sample_copy, *HTML, cache=True) == fresh  # draws and keeps the charts
    assert (sample_copy / ".rosa-cache" / "charts.marshal").is_file()
    assert _run(sample_copy, *HTML, cache=True) == fresh  # every chart from the cache
    # a run served from the cache does not even import matplotlib
    code = ("import sys; from rosa_cli.cli.main import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('matplotlib' in sys.modules, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, "--records", str(sample_copy), *HTML, "-o", str(sample_copy.parent / "r.html")],
                         capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "False", out.stderr
    _delete(sample_copy, random.Random(7))  # one call fewer: the calls charts change
    time.sleep(0.02)
    changed = _run(sample_copy, *HTML, cache=False)
    assert _run(sample_copy, *HTML, cache=True) == changed
    assert changed != fresh


def test_translatable_problem_messages_survive_the_cache(tmp_path):
    """A problem's message is data (code, English template, values): the cache keeps it
    as such, so a cached problem is shown in Norwegian exactly as a fresh one."""
    import marshal
    from datetime import date

    from rosa_cli.core.cache import RecordCache, built, raw_result
    from rosa_cli.core.messages import Message, msg
    from rosa_cli.core.model import Problem

    message = msg("test.cached", "{field} on {when} is {what} ({n} times)", field="at", when=date(2006, 3, 1),
                  what=msg("test.nested", "in the future"), n=3)
    row, problems = raw_result(None, [Problem("calls/2006/C-2006-ABCDE.yaml", 4, message), Problem("x.yaml", None, "plain text")], {})
    cache = RecordCache(tmp_path, ("k",), date(2026, 1, 1))
    listing = (("C-2006-ABCDE.yaml", 1, 2, 3, 4), ("x.yaml", 1, 3, 3, 4))
    cache.folders["calls/2006"] = marshal.loads(marshal.dumps((listing, (row, row), (problems[:1], problems[1:]))))
    _, _, found = built("calls/2006", *cache.folder_rows("calls/2006", listing, read=lambda i: pytest.fail("read although cached"))[:3])
    back = found[0][0].message
    assert isinstance(back, Message) and back == message
    assert (back.code, back.template) == ("test.cached", message.template)
    assert back.params["when"] == date(2006, 3, 1) and back.params["n"] == 3
    assert isinstance(back.params["what"], Message) and back.params["what"].code == "test.nested"
    assert found[1][0].message == "plain text" and type(found[1][0].message) is str


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_folder_problems_speak_the_interface_language_also_from_the_cache(records, monkeypatch, lang):
    """The folder's own problems (a stray file, a call in the wrong year folder) are
    messages as data: ``check`` shows them in bokmål or English, the same from the cache."""
    from helpers import invoke

    monkeypatch.setenv("ROSA_LANG", lang)
    (records / "women" / "notes.txt").write_text("x\n", encoding="utf-8")
    (records / "calls" / "2006").mkdir(mode=0o700, exist_ok=True)
    (records / "calls" / "2006" / "C-2007-ABCDE.yaml").write_text("id: C-2007-ABCDE\n", encoding="utf-8")
    (records / "calls" / "2006" / "C-2006-ABCDE.yaml").write_text(  # a cached warning
        "id: C-2006-ABCDE\nat: 2007-03-01 10:00\nchannel: phone\ncaller: police\nsubject: other\n", encoding="utf-8")
    time.sleep(0.02)
    outputs = [invoke(records, "check").stdout for _ in range(2)]  # the second from the cache
    assert outputs[0] == outputs[1]
    if lang == "nb":
        assert "women/notes.txt: ikke en registerfil; flytt den ut av registermappen" in outputs[0]
        assert "en fil for samtale fra 2007 ligger i calls/2006/, der den ikke blir lest; flytt den til calls/2007/" in outputs[0]
        assert "samtale fra 2007 ligger i calls/2006/" in outputs[1].split("C-2006-ABCDE.yaml", 1)[1]
    else:
        assert "women/notes.txt: not a record; move it out of the records folder" in outputs[0]
        assert "a call of 2007 filed in calls/2006/, where it is not read; move it to calls/2007/" in outputs[0]
        assert "call from 2007 is filed under calls/2006/" in outputs[1].split("C-2006-ABCDE.yaml", 1)[1]


def test_the_cache_folders_are_owner_only_whatever_the_umask(records):
    """Made under a permissive umask (0022), the cache's folders are still 0700: they
    hold the records' values, and ``check`` would rightly call anything else an error."""
    import shutil as _shutil
    import stat as _stat

    from helpers import invoke

    _shutil.rmtree(records / ".rosa-cache", ignore_errors=True)
    old = os.umask(0o022)
    try:
        assert invoke(records, "report", "--year", "2006", "--format", "json").exit_code == 0
    finally:
        os.umask(old)
    for folder in (records / ".rosa-cache", records / ".rosa-cache" / "records"):
        assert _stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert invoke(records, "check").exit_code == 0
