"""The fictional sample in ``records/`` is what its generator makes, and the generator's
own re-computation of the figures (``figures()``, independent of rosa's statistics)
still finds the numbers the sample was built to have.

``scripts/make_sample_records.py`` is not a package module: it is imported by path.
Regenerating takes a few seconds, so it is done once per module.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "make_sample_records.py"
SAMPLE = REPO / "records"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_sample_records", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sample_records", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return _load_generator()


@pytest.fixture(scope="module")
def regenerated(generator, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("regenerated") / "records"
    generator.generate(root)
    return root


def _files(root: Path) -> dict:
    """Every file under root (no .rosa-cache, no .git) by its relative path."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in (".git", ".rosa-cache") or not path.is_file():
            continue
        out[rel.as_posix()] = path.read_bytes()
    return out


def test_sample_generator_figures_match_what_the_sample_promises(generator, capsys):
    """``verify`` recomputes every expected figure with the script's own ``figures()``
    (and the section 9 figures and the consistency checks) on the committed sample."""
    ok = generator.verify(SAMPLE)
    shown = capsys.readouterr().out
    assert ok, shown
    assert "EXPECTED" not in shown and "FAILED" not in shown, shown
    year = generator.figures(SAMPLE, date(2006, 1, 1), date(2006, 12, 31))
    assert year and all(value is not None for value in year.values()), year


def test_sample_generator_regenerates_records_byte_for_byte(regenerated):
    """The committed sample is exactly the seeded generator's output: no hand edit and no
    drift between the script and records/."""
    made, committed = _files(regenerated), _files(SAMPLE)
    assert sorted(made) == sorted(committed), (
        f"only generated: {sorted(set(made) - set(committed))[:5]}, only in records/: {sorted(set(committed) - set(made))[:5]}"
    )
    differ = [name for name in made if made[name] != committed[name]]
    assert differ == [], f"{len(differ)} file(s) differ, e.g. {differ[:5]}"


def test_sample_generator_verify_notices_a_missing_stay(generator, regenerated, tmp_path, capsys):
    """The re-computation can fail: without one stay the bed-nights no longer match."""
    copy = tmp_path / "records"
    shutil.copytree(regenerated, copy)
    first_stay = sorted((copy / "stays").glob("S-*.yaml"))[0]
    first_stay.unlink()
    assert generator.verify(copy) is False
    assert "EXPECTED" in capsys.readouterr().out
