#!/usr/bin/env python3
"""peakrss.py OUTFILE COMMAND [ARG...]: run COMMAND, write its peak RSS in KiB to OUTFILE
(like `/usr/bin/time -f %M -o OUTFILE`) and exit with its status (128+N when killed by
signal N). For tests/hostile.sh where GNU time is not installed."""
import os
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[2], argv[2:])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    with open(argv[1], "w") as f:
        f.write("%d\n" % usage.ru_maxrss)  # Linux: KiB
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
