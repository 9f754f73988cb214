"""How the command ends on Ctrl-C, wherever it comes: while the modules load or a command runs."""

from __future__ import annotations

import os
import signal
import sys
from typing import NoReturn


def interrupted() -> NoReturn:
    """End as Ctrl-C ends a program, so that a shell stops a loop running the command and reports
    130; click's own ending, "Aborted!" and 1, is what `validate` gives for data that does not
    conform."""
    sys.stderr.write("graph-service: interrupted\n")
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
    raise SystemExit(130)  # where the signal could not end it
