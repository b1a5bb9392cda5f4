#!/usr/bin/env python3
"""Times how long `xuefa exam take EXAM --employee ID --plain` takes to show the first question.

Usage: first_question.py XUEFA [ARG...]

Starts the command with a pipe for stdin (kept open, so it waits at its prompt) and stdout,
reads stdout until the first question's header and the stem under it have appeared, reads the
process's peak memory (VmHWM) and kills it. The attempt it started stays in progress, as when a
person closes the window; the next `exam take` by that person resumes it.

Prints `SECONDS PEAK_RSS_KB` on stdout. Exits 1 when the process ends, or 60 seconds pass,
before a question appears (its stderr is passed on).
"""

import os
import re
import select
import subprocess
import sys
import time

# `Question 1/50 · …` (English) or `第 1/50 题 · …` (Chinese).
HEADER = re.compile(rb"^(Question \d+/\d+|\xe7\xac\xac ?\d+/\d+ ?\xe9\xa2\x98)")
TIMEOUT = 60.0


def peak_rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    start = time.perf_counter()
    process = subprocess.Popen(
        sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    fd = process.stdout.fileno()
    buffer = b""
    seen_header = False
    elapsed = None
    while elapsed is None:
        left = TIMEOUT - (time.perf_counter() - start)
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if seen_header and line.strip():
                # The stem is on the screen: the question has appeared.
                elapsed = time.perf_counter() - start
                break
            if HEADER.match(line.strip()):
                seen_header = True
    rss = peak_rss_kb(process.pid)
    process.kill()
    _, stderr = process.communicate()
    if elapsed is None:
        sys.stderr.write(stderr.decode("utf-8", "replace"))
        print("first_question.py: no question appeared", file=sys.stderr)
        return 1
    print(f"{elapsed:.6f} {rss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
