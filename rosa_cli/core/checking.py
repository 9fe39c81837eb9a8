"""``rosa check`` as a function: every problem of the folder, sorted by file and line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

from rosa_cli.core import gitrepo
from rosa_cli.core.folder import RecordsFolder, load_records, loose_permissions
from rosa_cli.core.messages import msg
from rosa_cli.core.model import WARNING, Problem, Records
from rosa_cli.core.summary import NO_YEARS


@dataclass
class CheckResult:
    records: Records
    problems: List[Problem]

    @property
    def record_count(self) -> int:
        r = self.records
        return len(r.women) + len(r.stays) + len(r.calls) + len(r.services) + len(r.activities) + len(r.website) + r.skipped + r.unbuilt


def _uncommitted_problems(paths: List[str]) -> List[Problem]:
    return [
        Problem(path, None, msg(
            "git.uncommitted", "uncommitted change (not yet in the git history; the next rosa command commits it)",
        ), WARNING)
        for path in paths
    ]


def permission_problems(folder: RecordsFolder) -> List[Problem]:
    """Folders and files others could read: errors in a records folder of its own.

    A real records folder is a git repository (``rosa init`` makes one; a second
    office's copy is a clone), and there loose permissions are an error. The project's
    own fictional sample is not a repository of its own: there they are warnings, so
    that ``rosa --records records check`` right after installing stays clean.
    """
    problems = loose_permissions(folder, folder.loose_files)
    if problems and not gitrepo.is_own_repository(folder.root):
        return [Problem(".", None, msg(
            "permissions.loose_sample",
            "{count} folder(s) or group(s) of files are readable or writable by group or others; a real records folder must not be",
            count=len(problems), root=str(folder.root),
        ), WARNING)]
    return problems


def check_folder(folder: RecordsFolder) -> CheckResult:
    from rosa_cli.core.statusmemo import UncommittedQuery

    status = UncommittedQuery(folder.root)  # git status meanwhile, or its remembered answer
    records = load_records(folder, years=NO_YEARS)  # every problem; no call needed as an object
    problems = records.problems + permission_problems(folder) + _uncommitted_problems(status.uncommitted(records.fingerprint))
    problems.sort(key=lambda p: (p.path, p.line or 0, p.message))
    return CheckResult(records, problems)
