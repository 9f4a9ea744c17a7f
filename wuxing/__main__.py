"""`python -m wuxing …`: see `wuxing.cli.main`."""

import sys

from wuxing.cli.main import main

sys.exit(main())
