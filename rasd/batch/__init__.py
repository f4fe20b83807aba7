"""Batch extraction at scale: streamed inputs, one loaded pipeline per worker (local
processes or Ray actors), Parquet outputs partitioned by shard, per-shard
checkpoints for resuming, and ``rasd load`` into the store. See docs/scaling.md.
"""

from rasd.batch.engines import ENGINES, Engine, make_engine
from rasd.batch.load import LoadSummary, load_dir
from rasd.batch.runner import BatchOptions, BatchSummary, run_batch
from rasd.batch.sources import count_records, iter_records
from rasd.batch.writer import read_dataset

__all__ = [
    "ENGINES",
    "BatchOptions",
    "BatchSummary",
    "Engine",
    "LoadSummary",
    "count_records",
    "iter_records",
    "load_dir",
    "make_engine",
    "read_dataset",
    "run_batch",
]
