#!/usr/bin/env python3
"""Time rosa against its floors, side by side, and write benchmarks/RESULTS.md.

    python benchmarks/run.py [--sizes 10000,100000,300000] [--repeat 3] [--ops ...]

For each size it generates (or reuses, when present and matching) a synthetic records
folder ``benchmarks/data/calls-N`` with ``benchmarks/generate.py``, then runs every rosa
command and every floor as a fresh child process, ``--repeat`` times, interleaved (floor,
then the rosa command, then the next repeat), and takes medians. Time is wall-clock
from spawning the child to reaping it; peak memory is the child's ``ru_maxrss`` read
with ``os.wait4`` (the largest single process in its tree, git children included).

rosa is the ``rosa`` installed next to the running Python (``Path(sys.executable).parent
/ "rosa"``), so run this with the venv's Python. See benchmarks/README.md for what each
floor means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

PYTHON = sys.executable
ROSA = str(Path(sys.executable).parent / "rosa")
CACHE_DIR = ".rosa-cache"

# The floors: the least any Python tool must pay to do the same job. Each runs as
# ``python -c CODE ROOT`` so interpreter start-up is in it exactly as it is in rosa's
# time; the child also prints its own in-process walk time, shown beside it.
_WALK = r"""
import os, sys, time
t = time.perf_counter()
n = 0
def walk(d):
    global n
    for e in os.scandir(d):
        if e.is_dir(follow_symlinks=False):
            if e.name not in ('.git', '.rosa-cache'):
                walk(e.path)
        elif e.name.endswith('.yaml'):
            TOUCH
            n += 1
walk(sys.argv[1])
print(n, time.perf_counter() - t)
"""
STAT_FLOOR = _WALK.replace("TOUCH", "os.stat(e.path)")
READ_FLOOR = _WALK.replace("TOUCH", "with open(e.path, 'rb') as f: f.read()")

# op name -> (what it is compared with, target ratio or None). The targets are issue
# 16's: ratios within one run at 100,000 calls (the comparison runs interleaved with it).
TARGETS = {
    "rosa --version": ("import click", 1.3),
    "report cold": ("read floor", 3.0),
    "report warm": ("stat floor", 1.5),
    "report html": ("report warm", 1.5),
    "report after add": ("stat floor", 1.8),
    "check cold": ("read floor", None),
    "check warm": ("stat floor", 1.5),
    "woman list": ("stat floor", 1.2),
    "rosa call add": ("git add + commit", 1.3),
}
PEAK_MB_TARGET = 150.0
TARGET_SIZE = 100_000
ROW_ORDER = ["python -c pass", "import click", "stat floor", "read floor", "git add + commit",
             "rosa --version", "report cold", "report warm", "report html", "report after add",
             "check cold", "check warm", "woman list", "rosa call add"]
OPS = ("version", "report", "html", "check", "womanlist", "calladd")
DEFAULT_SIZES = "10000,100000,300000"


@dataclass
class Run:
    seconds: float
    maxrss_mb: float
    rc: int
    inner: Optional[float] = None  # a floor's own in-process walk time
    cpu: Optional[float] = None  # user + system seconds of the command and every process it waited for


@dataclass
class Samples:
    runs: Dict[str, List[Run]] = field(default_factory=dict)

    def add(self, name: str, run: Run) -> None:
        self.runs.setdefault(name, []).append(run)

    def median(self, name: str) -> Optional[float]:
        runs = self.runs.get(name)
        return statistics.median(r.seconds for r in runs) if runs else None

    def inner(self, name: str) -> Optional[float]:
        vals = [r.inner for r in self.runs.get(name, []) if r.inner is not None]
        return statistics.median(vals) if vals else None

    def cpu(self, name: str) -> Optional[float]:
        vals = [r.cpu for r in self.runs.get(name, []) if r.cpu is not None]
        return statistics.median(vals) if vals else None

    def peak(self, name: str) -> Optional[float]:
        runs = self.runs.get(name)
        return max(r.maxrss_mb for r in runs) if runs else None

    def failed(self, name: str) -> List[int]:
        return sorted({r.rc for r in self.runs.get(name, []) if r.rc != 0})


# Each measured command runs under this small wrapper: it spawns the command, reaps it
# with os.wait4 and prints [seconds, ru_maxrss, exit code]. Timing inside the wrapper
# leaves out the wrapper's own start-up; and the child's ru_maxrss is not inflated by
# this script's memory (posix_spawn shares the spawner's memory until exec, and Linux
# counts that toward the child's peak — with the wrapper that floor is ~10 MB).
# Several commands (JSON list of argv lists) run one after the other: times add up,
# the peak is the largest. CPU (user + system) includes every process a command waited
# for — git, rosa's helper process — so work moved to a second core is still counted.
WRAPPER = r"""
import json, os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
total, peak, rc, cpu = 0.0, 0, 0, 0.0
for cmd in json.loads(sys.argv[2]):
    t = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, out, 1),
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    total += time.perf_counter() - t
    peak = max(peak, usage.ru_maxrss)
    cpu += usage.ru_utime + usage.ru_stime
    rc = rc or os.waitstatus_to_exitcode(status)
print(json.dumps([total, peak, rc, cpu]))
"""


def spawn(*cmds: Sequence[str], cwd: Optional[Path] = None, timeout: float = 1800.0) -> Run:
    """Run the commands (one after the other) under the wrapper; time, peak RSS, exit code."""
    # PYTHONDONTWRITEBYTECODE would make every run compile rosa's modules again, which
    # no installed rosa does (pip writes the .pyc files); see precompile().
    env = {k: v for k, v in os.environ.items() if k not in ("ROSA_RECORDS", "PYTHONDONTWRITEBYTECODE")}
    resolved = [[shutil.which(c[0]) or c[0], *c[1:]] for c in cmds]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stdout"
        proc = subprocess.Popen([PYTHON, "-c", WRAPPER, str(out), json.dumps(resolved)], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            wrapped, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.communicate()
            print(f"    ! {' '.join(cmds[0][:4])} … killed after {timeout:.0f} s", file=sys.stderr)
            return Run(timeout, 0.0, -9)
        seconds, maxrss, rc, cpu = json.loads(wrapped.decode().strip().splitlines()[-1])
        text = out.read_text(errors="replace") if out.exists() else ""
    if rc != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        print(f"    ! {' '.join(cmds[0][:4])} … exit {rc}: {' | '.join(tail)}", file=sys.stderr)
    inner = None
    parts = text.split()
    if len(parts) == 2:
        try:
            inner = float(parts[1])
        except ValueError:
            pass
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(seconds, rss, rc, inner, cpu)


def precompile() -> None:
    """Write the .pyc files of rosa and its libraries once, as an installation does.

    An editable install run with PYTHONDONTWRITEBYTECODE=1 (as in some development
    shells) compiles every imported module on every start: 0.1-0.2 s that no user pays.
    """
    import rosa_cli

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(Path(rosa_cli.__file__).parent)], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # first runs write the .pyc of the libraries rosa imports (click, ruamel, babel, …)
    for cmd in ([ROSA, "--version"], [ROSA, "--help"]):
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def drop_cache(root: Path) -> None:
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)


def git_floor(root: Path, n: int) -> Run:
    """Write one small new record file, ``git add`` it and ``git commit``: a bare commit."""
    year = datetime.now().year
    folder = root / "calls" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    rid = f"C-{year}-BENCH{n}"
    text = f"id: {rid}\nat: {datetime.now():%Y-%m-%d %H:%M}\nchannel: phone\ncaller: police\nsubject: other\n"
    (folder / f"{rid}.yaml").write_text(text)  # microseconds; written before the clock starts
    return spawn(["git", "add", "--", f"calls/{year}/{rid}.yaml"],
                 ["git", "commit", "--quiet", "--no-verify", "-m", f"benchmark floor {rid}"], cwd=root)


# What an earlier experiment may have left in a generated folder's git configuration
# (a split index, index v4, a file-system monitor, …): each makes `git status` and
# `git commit` faster or slower, so it is removed before measuring. The folders are
# measured with the configuration a real office has: git's defaults plus what
# `rosa init` sets (the untracked cache, ``ROSA_INIT_CONFIG``).
NOT_DEFAULT = ("core.splitIndex", "index.version", "core.fsmonitor", "core.preloadIndex",
               "feature.manyFiles", "index.threads", "gc.auto")
ROSA_INIT_CONFIG = {"core.untrackedCache": "true"}  # rosa_cli/core/operations.py, init_folder


def default_git_configuration(root: Path) -> None:
    """Put the generated folder back to the configuration and index format of a folder
    ``rosa init`` made, with nothing else."""
    changed = []
    for key in NOT_DEFAULT:
        if subprocess.run(["git", "-C", str(root), "config", "--local", "--get", key], capture_output=True).returncode == 0:
            generate.git(root, "config", "--local", "--unset-all", key)
            changed.append(key)
    for key, value in ROSA_INIT_CONFIG.items():
        found = subprocess.run(["git", "-C", str(root), "config", "--local", "--get", key], capture_output=True, text=True)
        if found.stdout.strip() != value:
            generate.git(root, "config", "--local", key, value)
            changed.append(f"{key}={value}")
    shared = list((root / ".git").glob("sharedindex.*"))
    index = (root / ".git" / "index").read_bytes()[:8] if (root / ".git" / "index").exists() else b""
    if changed or shared or index[4:8] != b"\0\0\0\2":
        generate.git(root, "update-index", "--no-split-index", "--index-version", "2")
        for path in (root / ".git").glob("sharedindex.*"):
            path.unlink()
        generate.git(root, "status", "--porcelain")  # the index written once as git keeps it (untracked cache)
        print(f"    (git configuration of {root.name} put back to rosa init's: {', '.join(changed) or 'index format'})", file=sys.stderr)


def reset_folder(root: Path, commit: str) -> None:
    """Undo the commits the call-add benchmark made, so the folder can be reused."""
    default_git_configuration(root)
    generate.git(root, "reset", "--quiet", "--hard", commit)
    generate.git(root, "clean", "-fdq", "--", "calls", "women", "stays")  # not -x: keeps the cache
    generate.git(root, "status", "--porcelain")


def bench_size(calls: int, args: argparse.Namespace, results: Dict[int, Samples], info: Dict[int, dict]) -> None:
    root = (args.data / f"calls-{calls}").resolve()
    if not args.regenerate and generate.matches(root, calls, args.seed):
        print(f"[{calls}] reusing {root}", file=sys.stderr)
        manifest = json.loads(generate.manifest_path(root).read_text())
    else:
        print(f"[{calls}] generating {root} …", file=sys.stderr)
        manifest = generate.generate(calls, root, args.seed)
    reset_folder(root, manifest["commit"])  # in case an earlier run was interrupted
    year = args.year or manifest["years"][1]
    samples = results.setdefault(calls, Samples())
    info[calls] = {"manifest": manifest, "year": year, "root": str(root)}
    R = ["--records", str(root)]
    rep = args.repeat
    # Bring every record file into the OS page cache once, untimed, so the first floor
    # measured does not pay for the disk while later rosa runs do not (seen: 13 s vs 3 s
    # for the read floor at 100,000 calls on a freshly generated folder).
    spawn([PYTHON, "-c", READ_FLOOR, str(root)])

    def step(name: str, run: Run) -> None:
        samples.add(name, run)
        print(f"[{calls}]   {name:<18} {run.seconds * 1000:9.1f} ms  {run.maxrss_mb:7.1f} MB"
              + (f"  (walk {run.inner * 1000:.1f} ms)" if run.inner is not None else ""), file=sys.stderr)

    if "version" in args.ops:
        for _ in range(rep):
            step("python -c pass", spawn([PYTHON, "-c", "pass"]))
            step("import click", spawn([PYTHON, "-c", "import click"]))
            step("rosa --version", spawn([ROSA, "--version"]))

    report = [ROSA, *R, "report", "--year", str(year), "--format", "json"]
    check = [ROSA, *R, "check"]
    for op, cmd in (("report", report), ("check", check)):
        if op not in args.ops:
            continue
        for _ in range(rep):
            step("stat floor", spawn([PYTHON, "-c", STAT_FLOOR, str(root)]))
            step("read floor", spawn([PYTHON, "-c", READ_FLOOR, str(root)]))
            drop_cache(root)
            step(f"{op} cold", spawn(cmd, timeout=args.timeout))
            step(f"{op} warm", spawn(cmd, timeout=args.timeout))
        info[calls]["cache"] = (root / CACHE_DIR).exists()

    if "html" in args.ops:
        # The HTML report (charts included) against the warm JSON report of the same
        # period, interleaved; both with a warm cache (one untimed report first).
        with tempfile.TemporaryDirectory() as tmp:
            html = [ROSA, *R, "report", "--year", str(year), "--format", "html", "-o", str(Path(tmp) / "report.html")]
            spawn(report, timeout=args.timeout)
            for _ in range(rep):
                step("report warm", spawn(report, timeout=args.timeout))
                step("report html", spawn(html, timeout=args.timeout))

    if "womanlist" in args.ops:
        woman_list = [ROSA, *R, "woman", "list"]
        spawn(woman_list, timeout=args.timeout)  # warm whatever rosa keeps
        for _ in range(rep):
            step("stat floor", spawn([PYTHON, "-c", STAT_FLOOR, str(root)]))
            step("woman list", spawn(woman_list, timeout=args.timeout))

    if "calladd" in args.ops:
        add = [ROSA, *R, "call", "add", "--caller", "police", "--subject", "other", "--no-prompt"]
        try:
            spawn(report, timeout=args.timeout)  # a warm cache before the first add
            for i in range(rep):
                step("git add + commit", git_floor(root, i))
                step("rosa call add", spawn(add, timeout=args.timeout))
                # the report a coordinator runs right after registering a call: the
                # cache holds every record but the new one
                step("stat floor", spawn([PYTHON, "-c", STAT_FLOOR, str(root)]))
                step("report after add", spawn(report, timeout=args.timeout))
        finally:
            reset_folder(root, manifest["commit"])


# --------------------------------------------------------------------------- output

def fmt_s(seconds: Optional[float]) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def table(results: Dict[int, Samples]) -> List[str]:
    top = max(results)
    lines = ["| operation | calls | time (median) | floor | floor time | ratio | target | result | peak RSS | CPU |",
             "|---|---:|---:|---|---:|---:|---:|---|---:|---:|"]
    for calls in sorted(results):
        s = results[calls]
        binding = calls == TARGET_SIZE

        def verdict(ok: bool) -> str:
            word = "PASS" if ok else "FAIL"
            return word if binding else f"({word.lower()})"

        for name in ROW_ORDER:
            t = s.median(name)
            if t is None:
                continue
            rss = s.peak(name)
            fails = s.failed(name)
            note = f" exit {','.join(map(str, fails))}" if fails else ""
            inner = s.inner(name)
            cpu = s.cpu(name)
            cpu_s = fmt_s(cpu) if cpu is not None else "–"
            shown = fmt_s(t) + (f" (walk {fmt_s(inner)})" if inner is not None else "")
            if name in TARGETS:
                floor, target = TARGETS[name]
                ft = s.median(floor)
                ratio = t / ft if ft else None
                ratio_s = f"{ratio:.2f}×" if ratio is not None else "–"
                target_s = f"≤ {target:g}×" if target else "–"
                res = verdict(ratio <= target) if (target and ratio is not None and not fails) else ("error" if fails else "–")
                lines.append(f"| {name} | {calls:,} | {shown}{note} | {floor} | {fmt_s(ft)} | {ratio_s} | {target_s} | {res} | {rss:.0f} MB | {cpu_s} |")
            else:
                lines.append(f"| *{name}* | {calls:,} | {shown}{note} | (floor) | | | | | {rss:.0f} MB | {cpu_s} |")
        rosa_rows = [n for n in TARGETS if s.median(n) is not None]
        if rosa_rows:
            peak = max(s.peak(n) for n in rosa_rows)
            which = max(rosa_rows, key=lambda n: s.peak(n))
            lines.append(f"| **peak memory** (max over rosa rows: {which}) | {calls:,} | | | | | ≤ {PEAK_MB_TARGET:.0f} MB | "
                         f"{verdict(peak <= PEAK_MB_TARGET)} | {peak:.0f} MB | |")
    if TARGET_SIZE not in results:
        lines.append("")
        lines.append(f"Targets bind at {TARGET_SIZE:,} calls, which this run did not include; "
                     "results in parentheses are for information only.")
    else:
        lines.append("")
        lines.append(f"Targets bind at {TARGET_SIZE:,} calls (PASS/FAIL); results at other sizes, in parentheses, are for information.")
    return lines


def growth(results: Dict[int, Samples]) -> List[str]:
    sizes = sorted(results)
    if len(sizes) < 2:
        return ["(one size only: no growth to show)"]
    lo, hi = sizes[0], sizes[-1]
    head = "| operation | " + " | ".join(f"{n:,} calls" for n in sizes) + f" | {hi // lo}× records → time × | per 1,000 calls at {hi:,} |"
    lines = [head, "|---|" + "---:|" * (len(sizes) + 2)]
    for name in ROW_ORDER:
        ts = [results[n].median(name) for n in sizes]
        if all(t is None for t in ts):
            continue
        a, b = ts[0], ts[-1]
        g = f"{b / a:.1f}" if a and b else "–"
        per = fmt_s(b / (hi / 1000)) if b else "–"
        label = f"*{name}*" if name not in TARGETS else name
        lines.append(f"| {label} | " + " | ".join(fmt_s(t) for t in ts) + f" | {g} | {per} |")
    # memory should grow no faster than the records (issue 16)
    peaks = []
    for n in sizes:
        rows = [name for name in TARGETS if results[n].median(name) is not None]
        peaks.append(max((results[n].peak(name) or 0.0) for name in rows) if rows else None)
    if all(p for p in peaks):
        lines.append("| **peak memory** (max over rosa rows) | " + " | ".join(f"{p:.0f} MB" for p in peaks)
                     + f" | {peaks[-1] / peaks[0]:.1f} | {peaks[-1] / (hi / 1000):.2f} MB |")
    return lines


def machine() -> Dict[str, str]:
    m = {
        "cpus": f"{os.cpu_count()} (nproc {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'})",
        "python": f"{platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                m["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                m["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    for key, cmd in (("git", ["git", "--version"]), ("rosa", [ROSA, "--version"])):
        try:
            m[key] = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            m[key] = "?"
    try:
        m["filesystem"] = subprocess.run(["stat", "-f", "-c", "%T", str(HERE)], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=HERE, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "rosa_cli"], cwd=HERE.parent, capture_output=True, text=True).stdout.strip()
        m["rosa commit measured"] = f"{head}{' + uncommitted changes in rosa_cli/' if dirty else ''}"
    except OSError:
        pass
    return m


def section9_counts(root: Path) -> str:
    """The section 9 records in a folder (services, activities, website months), counted on disk."""
    counts = {kind: sum(len(files) for _, _, files in os.walk(root / kind)) for kind in ("services", "activities", "website")}
    return f"{counts['services']:,} services, {counts['activities']:,} activities, {counts['website']:,} website months"


def write_results(path: Path, results: Dict[int, Samples], info: Dict[int, dict], args: argparse.Namespace, started: datetime, elapsed: float) -> str:
    mach = machine()
    if hasattr(os, "getloadavg"):
        end = os.getloadavg()
        busy = max(args.load_start[0], end[0]) > (os.cpu_count() or 1) * 0.75
        mach["load average"] = (f"{args.load_start[0]:.1f} at start, {end[0]:.1f} at end (1-minute)"
                                + ("; **other work was competing for the CPUs, so the numbers are noisy**" if busy else ""))
    out = [
        "# rosa benchmark results",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} by `python benchmarks/run.py --sizes {','.join(map(str, sorted(results)))} --repeat {args.repeat}`"
        f" ({elapsed / 60:.1f} min). Regenerate this file with the same command; see `benchmarks/README.md` for the method.",
        "",
        "## Machine",
        "",
    ]
    out += [f"- {k}: {v}" for k, v in mach.items()]
    out += ["", "## Folders", ""]
    for calls in sorted(info):
        m = info[calls]["manifest"]
        c = m["counts"]
        cache = info[calls].get("cache")
        cache_s = "" if cache is None else ("; rosa kept a cache (`.rosa-cache/`)" if cache else "; **no `.rosa-cache/` was made, so cold = warm**")
        extra = section9_counts(Path(info[calls]["root"]))
        out.append(f"- {calls:,} calls: {c['women']:,} women, {c['stays']:,} stays ({c['open_stays']} open), "
                   f"{c['calls']:,} calls over {m['years'][0]}–{m['years'][1]}, {extra}, seed {m['seed']}; "
                   f"report year {info[calls]['year']}{cache_s}")
    out += ["", f"## Times against floors (median of {args.repeat})", ""]
    out += table(results)
    out += ["", "Floors (each a fresh `python -c` child, so interpreter start-up is included just as in rosa's time; "
            "*walk* is the floor's own in-process time, without start-up):",
            "",
            "- *python -c pass*: interpreter start-up alone.",
            "- *stat floor*: walk the folder and `os.stat` every record file.",
            "- *read floor*: walk the folder and read every record file's bytes (the OS page cache is warm: "
            "we cannot drop it without root, and every file is read once, untimed, before the first measurement at each size, "
            "so this is a warm-disk floor; rosa's *cold* means no `.rosa-cache/`).",
            "- *import click*: `python -c \"import click\"`.",
            "- *git add + commit*: write one small record file, `git add` it, `git commit` (two git children) in the same repository.",
            "",
            "## Growth", "",
            ]
    out += growth(results)
    out.append("")
    text = "\n".join(out)
    path.write_text(text)
    return text


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated call counts (default {DEFAULT_SIZES})")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    ap.add_argument("--ops", default=",".join(OPS), help=f"subset of {','.join(OPS)}")
    ap.add_argument("--year", type=int, help="report year (default the last year in the data)")
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--data", type=Path, default=generate.DEFAULT_DATA, help="where the generated folders live")
    ap.add_argument("--regenerate", action="store_true", help="regenerate the folders even if they match")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds before a rosa command is killed")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args(argv)
    args.ops = {o.strip() for o in args.ops.split(",") if o.strip()}
    unknown = args.ops - set(OPS)
    if unknown:
        ap.error(f"unknown --ops {sorted(unknown)}; choose from {','.join(OPS)}")
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    if not Path(ROSA).exists():
        ap.error(f"no rosa next to this Python ({ROSA}); run with the Python of the venv rosa is installed in")

    started = datetime.now()
    args.load_start = os.getloadavg() if hasattr(os, "getloadavg") else (0.0,)
    t0 = time.perf_counter()
    results: Dict[int, Samples] = {}
    info: Dict[int, dict] = {}
    precompile()
    for calls in sizes:
        bench_size(calls, args, results, info)
    text = write_results(args.results, results, info, args, started, time.perf_counter() - t0)
    print(text)
    print(f"wrote {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
