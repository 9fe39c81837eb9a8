"""The core library: records, vocabularies, loading, validation, ids and git.

Nothing here imports click; the CLI in :mod:`rosa_cli.cli` is a thin layer over it.
"""
