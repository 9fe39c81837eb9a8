"""Statistics: the figures ``rosa report`` computes, and their suppression for publishing.

* :mod:`rosa_cli.stats.period` — :class:`Period`, a date range with both ends inclusive.
* :mod:`rosa_cli.stats.compute` — :func:`compute_report`, a pure function from
  :class:`~rosa_cli.core.model.Records` to the JSON shape of docs/json.md, put together
  from one small function per report section.
* :mod:`rosa_cli.stats.roles` — which vocabulary key plays a role the figures need
  (first inquiry, office visit), read from ``rosa.yaml``'s ``role`` lines.
* :mod:`rosa_cli.stats.suppress` — :func:`suppress`, the ``--public`` rules of docs/public-statistics.md
  (complementary cell suppression with extremes withheld, on whole calendar years).

Nothing here does I/O or knows about the command line.
"""

from rosa_cli.stats.compute import compute_report
from rosa_cli.stats.period import Period
from rosa_cli.stats.suppress import suppress

__all__ = ["Period", "compute_report", "suppress"]
