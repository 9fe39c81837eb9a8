"""rosa — records and yearly statistics for projects that help women out of human trafficking.

The package is split in two: :mod:`rosa_cli.core` holds the record model, loading,
validation, ids and git access and knows nothing of the command line;
:mod:`rosa_cli.cli` is a thin click layer that parses arguments, calls the core and
renders. Keep this module import-free so ``rosa --version`` starts at once.
"""

__version__ = "0.1.0"
