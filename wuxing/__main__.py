"""`python -m wuxing …`: see `wuxing.cli`."""

import sys

from wuxing.cli import main

sys.exit(main())
