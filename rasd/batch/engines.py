"""Engines: where shards are processed. All hold one loaded pipeline per worker and
run :meth:`rasd.batch.worker.ShardWorker.process` there, so they give the same rows.

``inline``
    In this process (``--engine local --workers 0``): for debugging and tests.
``local``
    ``N`` worker processes on this machine (``multiprocessing`` with the
    ``spawn`` start method, so nothing loaded in the parent leaks into workers).
    A worker exits as soon as its parent dies, even by ``kill -9`` or the OOM
    killer: on Linux the kernel kills it (``PR_SET_PDEATHSIG``), and everywhere a
    watchdog thread checks ``os.getppid()`` twice a second. So no worker (about
    380 MB each) and no ``multiprocessing`` resource tracker is left behind.
``ray``
    ``N`` Ray actors (``ray.util.ActorPool``), on a local Ray instance or on the
    cluster at ``--address``. Needs the ``rasd[ray]`` extra; rasd and its spaCy
    model must be installed on every node.

Every engine keeps at most a couple of shards in flight per worker, so memory
stays bounded however large the input is, and yields results as they finish
(not in input order).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, Protocol

from rasd.batch.shards import Shard
from rasd.batch.worker import LoadStatus, ShardResult, ShardWorker
from rasd.config import PipelineConfig
from rasd.exceptions import ConfigError, RasdError
from rasd.pipeline.base import Pipeline

ENGINES = ("local", "ray")
READY_TIMEOUT_S = 900.0


class Engine(Protocol):
    name: str
    workers: int

    def start(self) -> list[str]:
        """Start the workers and load their pipelines; returns the workers' names."""
        ...

    def run(self, shards: Iterator[Shard]) -> Iterator[ShardResult]: ...

    def close(self) -> None: ...


def prepare_shared_caches(config: PipelineConfig) -> None:
    """Build on-disk caches the workers share (the gazetteer index) once, here.

    Otherwise every worker that finds the index missing builds it at the same
    time. Opening an index that exists is cheap, so this costs nothing usually.
    """
    if {"nlp", "geocode"} & set(config.pipeline.stages):
        from rasd.pipeline.base import Backends

        Backends().get_geocoder(config).load()


def _check_loaded(statuses: list[LoadStatus]) -> list[str]:
    for name, subject, problem, fix in statuses:
        if not name:
            raise RasdError(subject, problem, fix)
    return [s[0] for s in statuses]


def make_engine(
    name: str,
    config: PipelineConfig,
    workers: int | None = None,
    *,
    batch_size: int | None = None,
    address: str | None = None,
) -> Engine:
    """The engine called ``name`` with ``workers`` workers (default: one per CPU)."""
    n = (os.cpu_count() or 1) if workers is None else workers
    if n < 0:
        raise ConfigError(f"--workers {n}", "is negative", "give 1 or more (0: in-process)")
    size = batch_size or config.nlp.batch_size
    if name == "local":
        return InlineEngine(config, size) if n == 0 else LocalEngine(config, n, size)
    if name == "ray":
        return RayEngine(config, max(n, 1), size, address)
    raise ConfigError(f"--engine {name}", "is not an engine", f"use one of {', '.join(ENGINES)}")


# --------------------------------------------------------------------------- inline


class InlineEngine:
    """Processes shards in this process, one at a time."""

    name = "inline"
    workers = 0

    def __init__(
        self, config: PipelineConfig, batch_size: int = 16, pipeline: Pipeline | None = None
    ) -> None:
        self.worker = ShardWorker(config, batch_size, pipeline)

    def start(self) -> list[str]:
        return _check_loaded([self.worker.load_status()])

    def run(self, shards: Iterator[Shard]) -> Iterator[ShardResult]:
        for shard in shards:
            yield self.worker.process(shard)

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- local processes

_WORKER: ShardWorker | None = None
_STATUS: LoadStatus = ("", "", "", "")
_BARRIER: Any = None


def die_with_parent(parent: int, interval: float = 0.5) -> None:
    """End this process when ``parent`` (the pid it was started by) is gone."""
    if sys.platform.startswith("linux"):
        # The kernel sends SIGKILL when the parent dies, even mid-computation.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(70)

    if os.getppid() != parent:  # it died before the guard was set
        os._exit(70)
    threading.Thread(target=watch, name="rasd-parent-watchdog", daemon=True).start()


def _init_process(config: PipelineConfig, batch_size: int, barrier: Any, parent: int) -> None:
    """Worker-process initializer: build and load this process's one pipeline."""
    global _WORKER, _STATUS, _BARRIER
    die_with_parent(parent)
    _WORKER = ShardWorker(config, batch_size)
    _STATUS = _WORKER.load_status()
    _BARRIER = barrier


def _ready() -> LoadStatus:
    """Run once per worker: waiting at the barrier ensures each worker takes exactly one."""
    _BARRIER.wait(READY_TIMEOUT_S)
    return _STATUS


def _process(shard: Shard) -> ShardResult:
    assert _WORKER is not None, "worker process not initialised"
    return _WORKER.process(shard)


class LocalEngine:
    """``workers`` processes on this machine, each with its own loaded pipeline."""

    name = "local"

    def __init__(self, config: PipelineConfig, workers: int, batch_size: int = 16) -> None:
        self.config = config
        self.workers = workers
        self.batch_size = batch_size
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> list[str]:
        prepare_shared_caches(self.config)
        ctx = get_context("spawn")
        barrier = ctx.Barrier(self.workers)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=ctx,
            initializer=_init_process,
            initargs=(self.config, self.batch_size, barrier, os.getpid()),
        )
        futures = [self._pool.submit(_ready) for _ in range(self.workers)]
        try:
            return _check_loaded([f.result() for f in futures])
        except BrokenProcessPool as exc:
            raise _worker_died() from exc

    def run(self, shards: Iterator[Shard]) -> Iterator[ShardResult]:
        assert self._pool is not None, "call start() first"
        pool, source = self._pool, iter(shards)
        pending: set[Future[ShardResult]] = set()

        def fill() -> None:
            while len(pending) < 2 * self.workers:
                shard = next(source, None)
                if shard is None:
                    return
                pending.add(pool.submit(_process, shard))

        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            pending.difference_update(done)
            fill()
            for future in done:
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    raise _worker_died() from exc
                yield result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _worker_died() -> RasdError:
    return RasdError(
        "a batch worker process",
        "died (killed, out of memory, or crashed in native code)",
        "rerun the same command: finished shards are kept; "
        "if memory is short, lower --workers or --shard-size",
    )


# --------------------------------------------------------------------------- Ray


class RayEngine:
    """``workers`` Ray actors, each holding one loaded pipeline, fed through an ActorPool."""

    name = "ray"

    def __init__(
        self,
        config: PipelineConfig,
        workers: int,
        batch_size: int = 16,
        address: str | None = None,
    ) -> None:
        self.config = config
        self.workers = workers
        self.batch_size = batch_size
        self.address = address
        self._actors: list[Any] = []
        self._pool: Any = None
        self._owns_ray = False

    def start(self) -> list[str]:
        ray = _import_ray()
        from ray.util import ActorPool

        if not self.address:
            prepare_shared_caches(self.config)
        if not ray.is_initialized():
            self._init_ray(ray)
        self._check_cpus(ray)
        actor_class = ray.remote(num_cpus=1)(ShardWorker)
        self._actors = [
            actor_class.remote(self.config, self.batch_size) for _ in range(self.workers)
        ]
        statuses = ray.get([a.load_status.remote() for a in self._actors])
        self._pool = ActorPool(self._actors)
        return _check_loaded(statuses)

    def _init_ray(self, ray: Any) -> None:
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": logging.ERROR,
        }
        if self.address:
            options["address"] = self.address
        else:
            options["num_cpus"] = max(self.workers, os.cpu_count() or 1)
        ray.init(**options)
        self._owns_ray = True

    def _check_cpus(self, ray: Any) -> None:
        cpus = ray.cluster_resources().get("CPU", 0)
        if cpus < self.workers:
            raise ConfigError(
                f"--workers {self.workers}",
                f"is more than the {cpus:g} CPUs of the Ray cluster",
                "lower --workers or add nodes to the cluster",
            )

    def run(self, shards: Iterator[Shard]) -> Iterator[ShardResult]:
        assert self._pool is not None, "call start() first"
        pool, source = self._pool, iter(shards)

        def fill() -> None:
            while pool.has_free():
                shard = next(source, None)
                if shard is None:
                    return
                pool.submit(lambda actor, s: actor.process.remote(s), shard)

        fill()
        while pool.has_next():
            result: ShardResult = pool.get_next_unordered()
            fill()
            yield result

    def close(self) -> None:
        if not self._actors:
            return
        ray = _import_ray()
        for actor in self._actors:
            ray.kill(actor)
        self._actors, self._pool = [], None
        if self._owns_ray:
            ray.shutdown()
            self._owns_ray = False


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "--engine ray",
            "needs Ray, which is not installed",
            "install the extra: pip install 'rasd[ray]' (or use --engine local)",
        ) from exc
    return ray
