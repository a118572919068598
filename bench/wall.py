"""Median wall time of a command over N runs, and of /bin/true as the
baseline for starting a process, measured the same way in the same run."""
import statistics
import subprocess
import sys
import time


def median_ms(cmd, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


n = int(sys.argv[1])
cmd = sys.argv[2:]
base = median_ms(["/bin/true"], n)
ms = median_ms(cmd, n)
print(f"{' '.join(cmd)}: median {ms:.2f} ms; /bin/true: {base:.2f} ms; ratio {ms / base:.2f}")
