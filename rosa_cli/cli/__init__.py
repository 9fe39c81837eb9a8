"""The command line: a thin click layer over :mod:`rosa_cli.core`.

One module per command group. Modules parse arguments, call the core and render;
they hold no record logic of their own.
"""
