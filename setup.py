"""The build step pyproject.toml cannot declare: compile the message catalogues.

The ``.po`` files (rosa_cli/locale/*/LC_MESSAGES) are the source; the ``.mo`` files gettext
reads are made here, into the built package, and never committed (docs/messages.md). An
editable install has no build step: rosa_cli/i18n.py compiles the ``.po`` on first use.
"""

from __future__ import annotations

import io
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(locale: Path) -> list:
    """Every ``<language>/LC_MESSAGES/rosa.po`` under ``locale`` compiled to ``rosa.mo`` beside it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale.glob("*/LC_MESSAGES/rosa.po")):
        with open(po, "rb") as handle:
            catalog = read_po(handle)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        mo = po.with_suffix(".mo")
        mo.write_bytes(buffer.getvalue())
        written.append(mo)
    return written


class BuildWithCatalogues(build_py):
    """build_py, then the catalogues compiled in the build folder (so the wheel ships them)."""

    def run(self) -> None:
        super().run()
        if not self.dry_run and not getattr(self, "editable_mode", False):
            compile_catalogues(Path(self.build_lib) / "rosa_cli" / "locale")

    def get_outputs(self, include_bytecode: bool = True) -> list:
        outputs = list(super().get_outputs(include_bytecode))
        locale = Path(self.build_lib) / "rosa_cli" / "locale"
        outputs += [str(po.with_suffix(".mo")) for po in sorted(locale.glob("*/LC_MESSAGES/rosa.po"))]
        return outputs


setup(cmdclass={"build_py": BuildWithCatalogues})
