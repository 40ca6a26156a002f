"""The ``appraise`` command line: ``main`` parses the arguments and hands each command to the
engine (``audit``, ``check``, ``serve`` add their own commands; ``framework_text`` prints a
framework for a terminal)."""
