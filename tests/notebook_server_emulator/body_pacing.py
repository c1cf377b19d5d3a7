"""Writing a body slowly but steadily (the trickle fault): a few bytes per write, on a fixed schedule."""

from __future__ import annotations

import time
from collections.abc import Callable


def write_paced(write: Callable[[bytes], object], body: bytes, bytes_per_second: float, chunk_bytes: int) -> None:
    """Write `chunk_bytes` every chunk_bytes / bytes_per_second seconds; after a stall, catch up with what is due.

    Only this connection's thread sleeps: the server is threaded, other clients are served meanwhile.
    """
    started = time.monotonic()
    sent = 0
    while sent < len(body):
        elapsed = time.monotonic() - started
        # Write k (from 0) is due at k * chunk_bytes / bytes_per_second.
        due = (int(elapsed * bytes_per_second / chunk_bytes) + 1) * chunk_bytes
        size = max(chunk_bytes, due - sent)
        write(body[sent:sent + size])
        sent += size
        wait = started + sent / bytes_per_second - time.monotonic()
        if wait > 0 and sent < len(body):
            time.sleep(wait)
