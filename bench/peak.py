"""Run `-m MODULE args...` or `-c CODE` like python does, then write this process's peak RSS.

ru_maxrss of a child is unreliable here: Linux carries the parent's high-water mark across
fork and exec, so a small command spawned from a large parent reports the parent's size.
VmHWM in /proc/self/status belongs to the new program alone. The value (kB) goes to the
file named by BENCH_PEAK_FILE when the process exits.
"""

import atexit
import os
import runpy
import sys


def _write_peak() -> None:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(peak)


atexit.register(_write_peak)
mode, target, *rest = sys.argv[1:]
sys.argv = [target, *rest]
if mode == "-m":
    sys.path.insert(0, os.getcwd())
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    sys.argv = ["-c", *rest]
    exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
