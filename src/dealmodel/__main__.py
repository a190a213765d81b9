"""``python -m dealmodel``: the same command line as the ``dealmodel`` script."""

import sys

from dealmodel.cli import main

if __name__ == "__main__":
    sys.exit(main())
