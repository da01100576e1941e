"""``python -m sim`` is the same as the ``sanctions-sim`` command."""

from sim.cli import main

raise SystemExit(main())
