"""What the run ran on: the context printed above the table."""

from __future__ import annotations

import os
import platform
import subprocess


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return "unknown"


def _ansible_core(bin_dir: str) -> str:
    out = subprocess.run([os.path.join(bin_dir, "ansible"), "--version"], capture_output=True, text=True, check=False).stdout
    first = out.splitlines()[0] if out else "unknown"
    return first.replace("ansible [core ", "").rstrip("]")


def load_average() -> str:
    return "%.2f %.2f %.2f" % os.getloadavg()


def describe(bin_dir: str, python_version: str) -> list:
    return [
        "machine: %d CPUs (nproc), %s, %s RAM, %s" % (os.cpu_count() or 0, _cpu_model(), _memory_gib(), platform.platform()),
        "Python %s, ansible-core %s" % (python_version, _ansible_core(bin_dir)),
    ]
