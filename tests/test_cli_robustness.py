"""No command prints a Python traceback for a bad record or a bad settings file (SPEC 6)."""

from __future__ import annotations

import pytest

from helpers import add_woman, invoke, open_stay

BREAKS = {
    "rosa.yaml syntax error": ("rosa.yaml", "organisation: [x\n"),
    "rosa.yaml not a mapping": ("rosa.yaml", "- a\n"),
    "rosa.yaml bad vocabulary": ("rosa.yaml", "organisation: X\nvocabularies:\n  caller: [a, b]\n"),
    "shelters.yaml syntax error": ("shelters.yaml", "oslo: [\n"),
    "shelters.yaml a list": ("shelters.yaml", "- oslo\n"),
    "woman syntax error": ("women/{w}.yaml", "id: [\n"),
    "woman a list": ("women/{w}.yaml", "- a\n"),
    "woman not utf-8": ("women/{w}.yaml", b"\xff\xfe\x00id"),
    "woman empty": ("women/{w}.yaml", ""),
    "stay missing fields": ("stays/{s}.yaml", "id: {s}\nwoman: {w}\n"),
}


@pytest.mark.parametrize("broken", list(BREAKS))
def test_no_traceback_on_broken_files(records, broken):
    w = add_woman(records, first_contact="2006-01-10")
    s = open_stay(records, w)
    rel, content = BREAKS[broken]
    path = records / rel.format(w=w, s=s)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content.format(w=w, s=s))
    commands = [
        ["woman", "list"], ["woman", "show", w], ["stay", "list"], ["call", "list"], ["shelter", "list"],
        ["check"], ["log"], ["log", w],
        ["woman", "status", w, "asylum-seeker", "--from", "2006-03-01"],
        ["stay", "close", s, "--on", "2006-03-01", "--reason", "left"],
        ["call", "add", "--at", "2006-03-01 10:00", "--caller", "police", "--subject", "other"],
        ["woman", "add", "--nationality", "NG", "--first-contact", "2006-01-10"],
    ]
    for command in commands:
        result = invoke(records, *command)
        assert "Traceback" not in result.stdout + result.stderr, command
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, repr(result.exception))
        assert result.exit_code in (0, 1, 2), command
    assert invoke(records, "check").exit_code == 1
