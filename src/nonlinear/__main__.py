"""Entry point for ``python -m nonlinear``."""

import sys

from nonlinear.cli import main

sys.exit(main())
