"""``rosa woman edit``: $EDITOR is a small python script that edits the file for real.

The script applies one list of (old, new) text replacements per invocation (kept in
``steps.json``), counts its invocations in a file, and keeps a copy of the text it
was shown each time, so a test can see the ``# rosa:`` error comments.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from helpers import ROSA_BIN, add_woman, git_messages, git_state, invoke, no_traceback, snapshot

EDITOR = """#!{python}
import json, pathlib, sys
here = pathlib.Path({here!r})
steps = json.loads((here / "steps.json").read_text())
counter = here / "count"
n = int(counter.read_text()) if counter.exists() else 0
counter.write_text(str(n + 1))
path = pathlib.Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
(here / f"seen-{{n}}.yaml").write_text(text, encoding="utf-8")
step = steps[n] if n < len(steps) else []
if step is None:          # quit without saving
    sys.exit(0)
for old, new in step:
    assert old in text, (old, text)
    text = text.replace(old, new)
path.write_text(text, encoding="utf-8")   # always saves, even unchanged
"""


class Editor:
    def __init__(self, folder: Path, steps):
        self.folder = folder
        folder.mkdir(exist_ok=True)
        (folder / "steps.json").write_text(json.dumps(steps))
        self.script = folder / "fake-editor"
        self.script.write_text(EDITOR.format(python=sys.executable, here=str(folder)))
        self.script.chmod(self.script.stat().st_mode | stat.S_IXUSR)

    @property
    def calls(self) -> int:
        counter = self.folder / "count"
        return int(counter.read_text()) if counter.exists() else 0

    def seen(self, n: int) -> str:
        return (self.folder / f"seen-{n}.yaml").read_text(encoding="utf-8")

    def env(self):
        return {"EDITOR": str(self.script), "VISUAL": None}


def edit(records, woman_id, editor: Editor):
    return invoke(records, "woman", "edit", woman_id, env=editor.env())


def test_valid_edit_commits_once_naming_changed_fields(records, tmp_path):
    woman_id = add_woman(records, "--born", "1984", first_contact="2006-01-10")
    log_before, _ = git_state(records)
    editor = Editor(tmp_path / "ed", [[("nationality: NG", "nationality: AL"), ("born: 1984\n", "born: 1985\ninterpreter: sq\n")]])
    result = edit(records, woman_id, editor)
    assert result.exit_code == 0, result.stderr
    no_traceback(result)
    assert editor.calls == 1
    assert woman_id in editor.seen(0) and "nationality: NG" in editor.seen(0)
    data = yaml.safe_load((records / "women" / f"{woman_id}.yaml").read_text())
    assert data["nationality"] == "AL" and data["born"] == 1985 and data["interpreter"] == "sq"
    log, status = git_state(records)
    assert log[1:] == log_before
    assert status == ""
    subject = log[0]
    assert subject.startswith("woman edit") and woman_id in subject
    for name in ("nationality", "born", "interpreter"):
        assert name in subject
    assert "first_contact" not in subject
    history = "\n".join(git_messages(records))
    for value in ("AL", "NG", "1985", "sq"):
        assert not re.search(rf"\b{value}\b", history), value


def test_invalid_edit_reopens_with_errors_as_comments_then_fix(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    log_before, _ = git_state(records)
    editor = Editor(
        tmp_path / "ed",
        [
            [("nationality: NG", "nationality: NGA\nreferred_by: polise\nnote: keep this text")],
            [("nationality: NGA", "nationality: NG"), ("referred_by: polise", "referred_by: police")],
        ],
    )
    result = edit(records, woman_id, editor)
    assert result.exit_code == 0, result.stderr
    assert editor.calls == 2
    second = editor.seen(1)
    header = [l for l in second.splitlines() if l.startswith("# rosa:")]
    assert any("did you mean NG?" in l for l in header), second
    assert any("did you mean police?" in l for l in header), second
    assert "note: keep this text" in second  # the user's typing came back
    assert "did you mean NG?" in result.stderr
    text = (records / "women" / f"{woman_id}.yaml").read_text()
    assert "# rosa:" not in text
    data = yaml.safe_load(text)
    assert data["nationality"] == "NG" and data["referred_by"] == "police" and data["note"] == "keep this text"
    log, status = git_state(records)
    assert log[1:] == log_before and status == ""
    assert log[0].startswith("woman edit") and "referred_by" in log[0] and "note" in log[0]
    assert "nationality" not in log[0]  # it ended where it began


def test_giving_up_keeps_record_and_a_copy(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    path = records / "women" / f"{woman_id}.yaml"
    original = path.read_text()
    editor = Editor(tmp_path / "ed", [[("nationality: NG", "nationality: NGA\nnote: my long careful note")], []])
    result = edit(records, woman_id, editor)
    no_traceback(result)
    assert result.exit_code == 1
    assert editor.calls == 2
    assert path.read_text() == original
    match = re.search(r"kept in (\S+)", result.stderr)
    assert match, result.stderr
    kept = Path(match.group(1))
    assert kept.is_file()
    assert "my long careful note" in kept.read_text()
    assert "nationality: NGA" in kept.read_text()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    files, log, status = snapshot(records)
    assert log == before[1]
    # the kept copy is not a record and is not offered to git
    assert git_state(records)[1] == ""
    assert invoke(records, "check").exit_code == 0


def test_quitting_without_saving_changes_nothing(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    editor = Editor(tmp_path / "ed", [None])
    result = edit(records, woman_id, editor)
    assert result.exit_code == 0
    assert "No changes" in result.stderr
    assert snapshot(records) == before


def test_saving_unchanged_makes_no_commit(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    editor = Editor(tmp_path / "ed", [[]])
    result = edit(records, woman_id, editor)
    assert result.exit_code == 0
    assert snapshot(records) == before


def test_edit_keeps_comments_the_user_wrote(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    editor = Editor(tmp_path / "ed", [[("nationality: NG", "# papers checked by the police\nnationality: NG\nborn: 1986  # estimate")]])
    result = edit(records, woman_id, editor)
    assert result.exit_code == 0, result.stderr
    text = (records / "women" / f"{woman_id}.yaml").read_text()
    assert "# papers checked by the police" in text
    assert "born: 1986  # estimate" in text


def test_edit_cannot_change_the_id(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    editor = Editor(tmp_path / "ed", [[(f"id: {woman_id}", "id: W-2006-ZZZZZ")], []])
    result = edit(records, woman_id, editor)
    assert result.exit_code == 1
    assert "does not match the file name" in editor.seen(1)
    assert snapshot(records)[1] == before[1]
    assert (records / "women" / f"{woman_id}.yaml").read_bytes() == before[0][f"women/{woman_id}.yaml"]


def test_edit_unknown_woman(records, tmp_path):
    editor = Editor(tmp_path / "ed", [[]])
    result = edit(records, "W-2006-N00NE", editor)
    assert result.exit_code == 2
    no_traceback(result)
    assert "W-2006-N00NE" in result.stderr
    assert editor.calls == 0


def test_edit_in_a_subprocess_with_editor_env(records, tmp_path):
    """The installed ``rosa`` program with $EDITOR from the environment."""
    woman_id = add_woman(records, first_contact="2006-01-10")
    editor = Editor(tmp_path / "ed", [[("nationality: NG", "nationality: RO\nexploitation: labour")]])
    env = dict(os.environ, EDITOR=str(editor.script))
    env.pop("VISUAL", None)
    proc = subprocess.run(
        [str(ROSA_BIN), "--records", str(records), "woman", "edit", woman_id],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    data = yaml.safe_load((records / "women" / f"{woman_id}.yaml").read_text())
    assert data["nationality"] == "RO" and data["exploitation"] == "labour"
    log, status = git_state(records)
    assert log[0].startswith("woman edit") and "exploitation" in log[0] and "nationality" in log[0]
    assert "labour" not in log[0] and "RO" not in log[0].split()
    assert status == ""


def test_comment_only_edit_is_saved(records, tmp_path):
    """Adding only a comment changes no field, but what the user typed must not be lost."""
    woman_id = add_woman(records, first_contact="2006-01-10")
    editor = Editor(tmp_path / "ed", [[("nationality: NG", "nationality: NG  # confirmed by embassy letter")]])
    result = edit(records, woman_id, editor)
    assert result.exit_code == 0, result.stderr
    text = (records / "women" / f"{woman_id}.yaml").read_text()
    assert "# confirmed by embassy letter" in text, result.stderr
    log, status = git_state(records)
    assert status == ""
    assert log[0].startswith("woman edit") and woman_id in log[0]
    assert "embassy" not in log[0]


def test_edit_repairs_a_broken_record(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    path = records / "women" / f"{woman_id}.yaml"
    path.write_text(path.read_text().replace("nationality: NG", "nationality: NGA"))
    assert invoke(records, "check").exit_code == 1
    editor = Editor(tmp_path / "ed", [[("nationality: NGA", "nationality: NG")]])
    result = edit(records, woman_id, editor)
    assert result.exit_code == 0, result.stderr
    assert "nationality: NGA" in editor.seen(0)
    assert "nationality: NG\n" in path.read_text()
    assert git_state(records)[1] == ""
    assert invoke(records, "check").exit_code == 0


# --- no lost update; the editor's file ----------------------------------------------------

COLLEAGUE_EDITOR = """#!{python}
import json, pathlib, subprocess, sys
here = pathlib.Path({here!r})
counter = here / "count"
n = int(counter.read_text()) if counter.exists() else 0
counter.write_text(str(n + 1))
path = pathlib.Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
(here / f"seen-{{n}}.yaml").write_text(text, encoding="utf-8")
if n == 0:   # a colleague changes the record while this editor is open
    subprocess.run(json.loads((here / "colleague.json").read_text()), check=True, capture_output=True)
    text = text.replace("nationality: NG", "nationality: AL")
path.write_text(text, encoding="utf-8")
"""


def _colleague_editor(folder: Path, colleague_argv) -> dict:
    folder.mkdir()
    (folder / "colleague.json").write_text(json.dumps([str(a) for a in colleague_argv]))
    script = folder / "editor"
    script.write_text(COLLEAGUE_EDITOR.format(python=sys.executable, here=str(folder)))
    script.chmod(0o700)
    return {"EDITOR": str(script), "VISUAL": None}


def test_edit_keeps_a_colleagues_woman_status_made_while_the_editor_was_open(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    status = [ROSA_BIN, "--records", records, "woman", "status", woman_id, "reflection-period", "--from", "2006-02-01"]
    env = _colleague_editor(tmp_path / "ed", status)
    result = invoke(records, "woman", "edit", woman_id, env=env)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert "colleague" in result.stderr and "residence" in result.stderr
    data = yaml.safe_load((records / "women" / f"{woman_id}.yaml").read_text())
    assert data["nationality"] == "AL"  # the edit
    assert data["residence"][-1]["status"] == "reflection-period"  # the colleague's change, kept
    log, state = git_state(records)
    assert log[0].startswith("woman edit") and log[1].startswith("woman status")
    assert state == ""
    assert invoke(records, "check").exit_code == 0


def test_edit_of_the_same_field_as_a_colleague_reopens_showing_theirs(records, tmp_path):
    woman_id = add_woman(records, first_contact="2006-01-10")
    rel = f"women/{woman_id}.yaml"
    colleague = [
        sys.executable, "-c",
        "import pathlib, subprocess, sys; p = pathlib.Path(sys.argv[1]) / sys.argv[2]; "
        "p.write_text(p.read_text().replace('nationality: NG', 'nationality: SE')); "
        "subprocess.run(['git', '-C', sys.argv[1], 'commit', '-qam', 'colleague'], check=True)",
        records, rel,
    ]
    ed = tmp_path / "ed"
    env = _colleague_editor(ed, colleague)
    result = invoke(records, "woman", "edit", woman_id, env=env)
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert (ed / "count").read_text() == "2"  # reopened once
    second = (ed / "seen-1.yaml").read_text()
    assert "# rosa: nationality: yours: AL; the colleague's: SE" in second
    # saved as shown: the user's value, chosen knowingly; nothing dropped silently
    text = (records / rel).read_text()
    assert "nationality: AL" in text and "# rosa" not in text
    log, state = git_state(records)
    assert log[0].startswith("woman edit") and log[1] == "colleague" and state == ""


SLEEPY_EDITOR = """#!{python}
import os, pathlib, sys, time
pathlib.Path({marker!r}).write_text(str(os.getpid()) + "\\n" + sys.argv[-1])
time.sleep(30)
"""


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_editor_file_is_private_and_removed_when_rosa_is_stopped(records, tmp_path, signum):
    woman_id = add_woman(records, first_contact="2006-01-10")
    before = snapshot(records)
    marker = tmp_path / "editor-started"
    script = tmp_path / "sleepy-editor"
    script.write_text(SLEEPY_EDITOR.format(python=sys.executable, marker=str(marker)))
    script.chmod(0o700)
    env = dict(os.environ, EDITOR=str(script))
    env.pop("VISUAL", None)
    proc = subprocess.Popen(
        [str(ROSA_BIN), "--records", str(records), "woman", "edit", woman_id],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    editor_pid = None
    try:
        deadline = time.monotonic() + 15
        while not (marker.exists() and "\n" in marker.read_text()):
            assert time.monotonic() < deadline and proc.poll() is None, "the editor never started"
            time.sleep(0.05)
        pid_text, edited = marker.read_text().split("\n", 1)
        editor_pid = int(pid_text)
        edited = Path(edited)
        # the whole record is in this file: inside the folder's private cache, owner-only
        assert edited.parent == records / ".rosa-cache" / "editing"
        assert stat.S_IMODE(edited.stat().st_mode) == 0o600
        assert stat.S_IMODE(edited.parent.stat().st_mode) == 0o700
        assert woman_id in edited.read_text()
        proc.send_signal(signum)
        proc.wait(timeout=15)
        _out, err = proc.communicate(timeout=15)  # the editor was stopped too: its pipes close
        assert proc.returncode == 128 + signum, err
        assert "Traceback" not in err
        assert not edited.exists()
        assert list(edited.parent.iterdir()) == []
        assert snapshot(records) == before
    finally:
        if proc.poll() is None:
            proc.kill()
        if editor_pid is not None:
            try:
                os.kill(editor_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
