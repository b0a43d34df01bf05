#!/usr/bin/env python3
"""Time from saving a file to the reload event of `fenjin serve`.

    python3 benches/serve_latency.py SITE_DIR FILE [RUNS]

Starts target/release/fenjin serve on a free port, subscribes to its event stream,
appends a paragraph to FILE (a page, or a template) RUNS times (default 5) and prints
each latency in milliseconds and the median. Use a copy of a corpus from
../shared/bench/gen_corpus.py with benches/templates/ as its templates/: the file is
modified. For a template, use one that is not a child template (base.html): text
appended after a child's last block is a template error, and the error's rebuild would be
timed instead. SERVE_LOG=FILE keeps serve's messages (each rebuild's time and how many
files it read and bodies it rendered) and the time of each save; SERVE_GAP=SECONDS
sets the pause between saves (default 0.5; serve starts its background work after
0.75 s of quiet, so a longer pause measures saves made while that work runs).
FENJIN=PATH times another binary (an older build, for a before-and-after figure).
"""
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

def main():
    site, target = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    binary = os.environ.get("FENJIN") or Path(__file__).resolve().parent.parent / "target" / "release" / "fenjin"
    proc = subprocess.Popen([str(binary), "serve", "--root", site, "--port", "0", "--stop-after", "600"],
                            stdout=subprocess.PIPE, stderr=open(os.environ['SERVE_LOG'], 'w') if os.environ.get('SERVE_LOG') else subprocess.DEVNULL,
                            text=True)
    try:
        addr = re.search(r"http://([^/]+)/", proc.stdout.readline()).group(1)
        host, port = addr.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)))
        sock.sendall(f"GET /__fenjin/events HTTP/1.1\r\nHost: {addr}\r\n\r\n".encode())
        buf = b""
        while b": connected" not in buf:
            buf += sock.recv(4096)
        times = []
        for _ in range(runs):
            start = time.monotonic()
            if os.environ.get('SERVE_LOG'):
                print(f"edit at {time.time():.3f}", file=sys.stderr)
            with open(target, "a", encoding="utf-8") as f:
                f.write("\n\n<!-- edit -->\n" if target.endswith(".html") else "\n\n追加一段。\n")
            buf = b""
            while b"data: reload" not in buf:
                buf += sock.recv(4096)
            times.append((time.monotonic() - start) * 1000)
            time.sleep(float(os.environ.get("SERVE_GAP", "0.5")))
        print("latencies (ms):", " ".join(f"{t:.0f}" for t in times))
        print(f"median: {statistics.median(times):.0f} ms")
    finally:
        proc.kill()

if __name__ == "__main__":
    main()
