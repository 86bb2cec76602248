"""`python3 -m sethlab_analysis` (cwd analysis/): the same CLI as the sethlab-analysis script."""

import sys

from sethlab_analysis.cli import main

sys.exit(main())
