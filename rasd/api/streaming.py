"""Turn a streaming writer (``write(events, fh)``) into an iterator of byte chunks.

rasd's export writers push text into a file object; an HTTP response pulls
chunks. :func:`stream_writer` runs the writer in a thread that fills a small
bounded queue, so at most ``depth`` chunks of ``chunk_size`` bytes are ever held:
memory stays constant however many events are exported. If the client goes
away, the iterator is closed and the writer stops at its next write.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from typing import IO

CHUNK = 64 * 1024
DEPTH = 8


class _Stopped(Exception):
    """The consumer went away; the writer thread unwinds."""


class _QueueWriter(io.TextIOBase):
    def __init__(self, out: queue.Queue[object], stop: threading.Event, chunk_size: int) -> None:
        self._out = out
        self._stop = stop
        self._chunk_size = chunk_size
        self._parts: list[str] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._chunk_size:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._parts:
            data = "".join(self._parts).encode("utf-8")
            self._parts, self._size = [], 0
            self.put(data)

    def put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._out.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped


_DONE = object()


def stream_writer(
    write: Callable[[IO[str]], object], chunk_size: int = CHUNK, depth: int = DEPTH
) -> Iterator[bytes]:
    """Chunks of what ``write(fh)`` writes to ``fh``, UTF-8 encoded, produced as consumed."""
    out: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    sink = _QueueWriter(out, stop, chunk_size)

    def run() -> None:
        try:
            write(sink)  # type: ignore[arg-type]  # a text file object, as writers need
            sink.flush()
            sink.put(_DONE)
        except _Stopped:
            return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            try:
                sink.put(exc)
            except _Stopped:
                return

    thread = threading.Thread(target=run, name="rasd-export", daemon=True)
    thread.start()
    try:
        while True:
            item = out.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
