"""``python -m stakeholder_graph``: the same as the ``stakeholder-graph`` command."""

from .cli import main

main()
