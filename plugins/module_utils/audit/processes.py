# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a large fleet in forked processes, a core each; a reader that dies leaves its servers said unread.

Decoding and tallying a server's jobs is work for the interpreter, which one process runs on one core at a time:
with 500 servers, two readers took 4.3 s where one took 7.3 s. Each reader is a fork of this process (nothing to
re-import, the connection options already in memory) and hands back what it read, pickled, through a pipe.
"""

from __future__ import annotations

import os
import pickle
import threading
from typing import Any, Callable, List, Optional, Sequence

# Below this many servers a reader process of its own is not worth its start.
MIN_SERVERS_PER_PROCESS = 16
MAX_AUTO_PROCESSES = 4
_READER_FAILED = 70


def reader_processes(asked: int, servers: int) -> int:
    """How many processes read ``servers`` servers: ``asked`` (0 is one per CPU, at most 4), never more than one
    per ``MIN_SERVERS_PER_PROCESS`` servers, and 1 where processes cannot be forked.
    """
    if not hasattr(os, "fork"):
        return 1
    if asked <= 0:
        try:
            cpus = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = os.cpu_count() or 1
        asked = min(cpus, MAX_AUTO_PROCESSES)
    return max(1, min(asked, servers // MIN_SERVERS_PER_PROCESS))


def in_processes(chunks: Sequence[Sequence[Any]], read_chunk: Callable[[Sequence[Any]], Any],
                 failed: Callable[[Sequence[Any], str], Any]) -> List[Any]:
    """``read_chunk(chunk)`` for every chunk, each in a forked process, in the order of ``chunks``.

    A chunk whose process ended badly (an exception, a signal, an answer that cannot be read) gets
    ``failed(chunk, why)`` instead; one that could not be forked is read in this process.
    """
    children: List[Optional[tuple]] = []
    for chunk in chunks:
        children.append(_fork_reader(chunk, read_chunk))
    received: List[bytes] = [b""] * len(children)
    threads = []
    for index, child in enumerate(children):
        if child is not None:
            # Every pipe is read while the readers write: a full pipe must never stop one.
            thread = threading.Thread(target=_drain, args=(child[1], received, index), daemon=True)
            thread.start()
            threads.append(thread)
    # Chunks no process could be forked for are read here, while the readers work.
    inline = {index: read_chunk(chunk) for index, (chunk, child) in enumerate(zip(chunks, children)) if child is None}
    for thread in threads:
        thread.join()
    results = []
    for index, (chunk, child) in enumerate(zip(chunks, children)):
        if child is None:
            results.append(inline[index])
            continue
        _pid, status = os.waitpid(child[0], 0)
        code = os.waitstatus_to_exitcode(status)
        if code == 0:
            try:
                results.append(pickle.loads(received[index]))
                continue
            except Exception:  # pylint: disable=broad-except  # a cut answer: the chunk is unread, never empty
                why = "its answer could not be read"
        else:
            why = ("it was stopped by signal %d" % -code) if code < 0 else ("it ended with exit status %d" % code)
        results.append(failed(chunk, why))
    return results


def _fork_reader(chunk: Sequence[Any], read_chunk: Callable[[Sequence[Any]], Any]) -> Optional[tuple]:
    """``(pid, read end of the pipe)`` of a new reader of ``chunk``; None when no process could be forked."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the reader: read, hand the result over, leave without running the parent's exit handlers
        status = _READER_FAILED
        try:
            os.close(read_end)
            payload = pickle.dumps(read_chunk(chunk), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)  # pylint: disable=protected-access
    os.close(write_end)
    return pid, read_end


def _drain(read_end: int, received: List[bytes], index: int) -> None:
    with os.fdopen(read_end, "rb") as pipe:
        received[index] = pipe.read()
