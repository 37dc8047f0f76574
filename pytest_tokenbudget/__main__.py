import sys

from pytest_tokenbudget.cli import main

sys.exit(main())
