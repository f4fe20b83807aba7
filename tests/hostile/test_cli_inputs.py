"""Hostile input on the command-line side (issue 12, defects 6, 7, 13, 16).

Each case asserts a clear problem that names the input and the fix, that the rest of
the batch still went in, and that nothing crashed. Reading is tested through
``rasd.ingest`` (what ``rasd ingest``, ``rasd extract`` and ``rasd batch`` share);
the option cases through the CLI itself (no spaCy model needed: they fail first).
"""

from __future__ import annotations

import gzip
import os
import signal
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rasd import ingest
from rasd.batch.sources import iter_records
from rasd.cli import app
from rasd.config import InputConfig
from rasd.ingest import read_path, read_paths
from rasd.records import Document, IngestProblem

REPORT = "Security forces arrested a suspected militant commander in Kirkuk on Monday."
GOOD = f'{{"text": "{REPORT}"}}'


def _only_problem(records: list[Document | IngestProblem], source: str) -> IngestProblem:
    problems = [r for r in records if isinstance(r, IngestProblem)]
    assert len(problems) == 1, records
    [p] = problems
    assert p.source == source and p.message and p.fix
    return p


# --------------------------------------------------------------------------- JSONL lines


JSONL_CASES: dict[str, tuple[str, str, str]] = {
    # name: (bad line, words the message must hold, words the fix must hold)
    "lone surrogate in text": (
        f'{{"text": "{REPORT} \\ud800"}}',
        "surrogate",
        "pair",
    ),
    "lone surrogate in title": (
        f'{{"text": "{REPORT}", "title": "\\udfff"}}',
        '"title"',
        "pair",
    ),
    "date 9999-12-31": (
        f'{{"text": "{REPORT}", "published_at": "9999-12-31"}}',
        "9999-12-31",
        "YYYY-MM-DD",
    ),
    "date 0001-01-01": (
        f'{{"text": "{REPORT}", "published_at": "0001-01-01"}}',
        "0001-01-01",
        "YYYY-MM-DD",
    ),
    "nested 100k deep": ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested", "flat"),
    "unterminated string": ('{"text": "abc', "column", "complete JSON"),
}


@pytest.mark.parametrize("case", sorted(JSONL_CASES))
@pytest.mark.parametrize("reader", ["ingest", "batch"])
def test_hostile_jsonl_line_is_a_problem_and_the_rest_goes_on(
    tmp_path: Path, case: str, reader: str
) -> None:
    line, in_message, in_fix = JSONL_CASES[case]
    path = tmp_path / "feed.jsonl"
    path.write_text(f'{GOOD}\n{line}\n{GOOD[:-2]} again"}}\n', "utf-8")
    read = read_path if reader == "ingest" else lambda p, c: iter_records([p], c)
    records = list(read(path, InputConfig()))
    problem = _only_problem(records, str(path))
    assert problem.line == 2
    assert in_message in problem.message and in_fix in problem.fix
    assert "at at" not in problem.message
    assert sum(isinstance(r, Document) for r in records) == 2


def test_hostile_txt_header_date_out_of_range(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text(f"date 9999-12-31\n{REPORT}\n", "utf-8")
    problem = _only_problem(list(read_path(path)), str(path))
    assert "9999-12-31" in problem.message and "YYYY-MM-DD" in problem.fix


# --------------------------------------------------------------------------- files


def _symlink_to_dev_zero(tmp: Path) -> Path:
    path = tmp / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


def _fifo(tmp: Path) -> Path:
    path = tmp / "pipe.jsonl"
    os.mkfifo(path)
    return path


def _dangling(tmp: Path) -> Path:
    path = tmp / "gone.txt"
    path.symlink_to(tmp / "nowhere.txt")
    return path


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging forever) when a read blocks, e.g. on a FIFO."""

    def hung(*_: object) -> None:
        raise TimeoutError("a read blocked for 20 s")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


FILE_CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "symlink to /dev/zero": (_symlink_to_dev_zero, "not a regular file", "regular file"),
    "fifo": (_fifo, "not a regular file", "regular file"),
    "dangling symlink": (_dangling, "dangling symbolic link", "nowhere.txt"),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
@pytest.mark.parametrize("reader", ["ingest", "batch"])
def test_hostile_non_regular_file_skipped(
    tmp_path: Path, case: str, reader: str, alarm: None
) -> None:
    make, in_message, in_fix = FILE_CASES[case]
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)
    (folder / "zz_good.txt").write_text(REPORT, "utf-8")
    read = read_paths if reader == "ingest" else iter_records
    for target in (bad, folder):  # named directly, and found in a folder
        records = list(read([target], InputConfig()))
        problem = _only_problem(records, str(bad))
        assert in_message in problem.message and in_fix in problem.fix
        assert "permission" not in problem.fix
    assert sum(isinstance(r, Document) for r in records) == 1


def test_hostile_regular_file_read_with_at_most_limit_plus_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file growing after the size check (or lying in stat) is still capped."""
    path = tmp_path / "r.txt"
    path.write_bytes(b"a" * 3_000_000)
    real_fstat = os.fstat

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    [problem] = read_path(path, InputConfig(max_file_mb=1))
    assert isinstance(problem, IngestProblem)
    assert "larger than the 1 MB limit" in problem.message


def test_hostile_gzip_bomb_names_the_cap_and_compressed_size(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * (20 * 1024 * 1024)))
    problem = _only_problem(list(read_path(path)), str(path))
    assert "expands past the 10 MB limit" in problem.message
    assert "compressed" in problem.message and "KB" in problem.message
    assert "10.0 MB" not in problem.message


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_hostile_utf16_without_bom_is_named(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(REPORT.encode(codec))
    problem = _only_problem(list(read_path(path)), str(path))
    assert "UTF-16" in problem.message and "binary" not in problem.message
    assert f"iconv -f {codec.upper().replace('-16-', '-16')}" in problem.fix


def test_hostile_unreadable_file_blames_permissions(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "secret.txt"
    path.write_text(REPORT, "utf-8")
    path.chmod(0)
    try:
        problem = _only_problem(list(read_path(path)), str(path))
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert "permission" in problem.fix.lower()


# --------------------------------------------------------------------------- stdin


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe\x00bad", b"caf\xe9 " + REPORT.encode(), b"\x00" * 100, b"", b"\xed\xa0\x80"],
)
def test_hostile_stdin_bytes_give_a_problem(data: bytes) -> None:
    [problem] = ingest.read_stdin_bytes(data)
    assert isinstance(problem, IngestProblem) and problem.source == "<stdin>" and problem.fix


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["txt", "jsonl"]))
def test_hostile_any_stdin_bytes_never_raise(data: bytes, fmt: str) -> None:
    for record in ingest.read_stdin_bytes(data, fmt=fmt):  # type: ignore[arg-type]
        assert isinstance(record, Document | IngestProblem)
        if isinstance(record, Document):
            record.text.encode("utf-8")  # what went in is valid UTF-8


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 4096), cap_kb=st.integers(1, 3), gz=st.booleans())
def test_hostile_reading_never_returns_more_than_the_cap(
    tmp_path_factory: pytest.TempPathFactory, size: int, cap_kb: int, gz: bool
) -> None:
    data = b"x" * (size * 2)
    path = tmp_path_factory.mktemp("cap") / ("f.txt.gz" if gz else "f.txt")
    path.write_bytes(gzip.compress(data) if gz else data)
    cap = cap_kb * 1024
    try:
        got = ingest.read_capped(path, cap, gz)
    except Exception as exc:  # the only allowed failure: "too large", as a problem
        assert len(data) > cap, exc
        return
    assert got == data and len(got) <= cap


# --------------------------------------------------------------------------- options


def _fail(*args: str, input: bytes | str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=input)
    assert result.exit_code != 0, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result.output


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RASD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    return tmp_path


OPTION_CASES = {
    "extract --published 27/09/2023": (
        ["extract", "-", "--published", "27/09/2023"],
        "--published",
        "YYYY-MM-DD",
    ),
    "events --near 91,0,5": (["events", "--near", "91,0,5"], "--near", "-90"),
    "events --near a,b,c": (["events", "--near", "a,b,c"], "--near", "LAT,LON,KM"),
    "events --limit -5": (["events", "--limit", "-5"], "--limit", "0"),
    "token create --days 0": (["token", "create", "nobody", "--days", "0"], "--days", "1"),
    "token create --days -3": (["token", "create", "nobody", "--days", "-3"], "--days", "1"),
    "token create --days huge": (
        ["token", "create", "nobody", "--days", "99999999999"],
        "--days",
        "3650",
    ),
}


@pytest.mark.parametrize("case", sorted(OPTION_CASES))
def test_hostile_bad_option_is_a_clear_error(env: Path, case: str) -> None:
    args, name, hint = OPTION_CASES[case]
    runner = CliRunner()
    result = runner.invoke(app, args, input=REPORT)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # Errors rasd raises on purpose are printed by main(); anything else is a traceback.
        from rasd.exceptions import RasdError

        assert isinstance(result.exception, RasdError), repr(result.exception)
        message = str(result.exception)
    else:
        message = result.output
    assert result.exit_code != 0
    assert name in message and hint in message, message


@pytest.mark.slow
def test_hostile_extract_stdin_not_utf8_is_a_problem(env: Path) -> None:
    result = CliRunner().invoke(app, ["extract", "-"], input=b"caf\xe9 \xff\xfe report")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "<stdin>" in result.output and "UTF-8" in result.output and "iconv" in result.output


@pytest.mark.slow
def test_hostile_ingest_all_skipped_exits_1_and_prints_hints_literally(env: Path) -> None:
    big = env / "big.txt"
    big.write_bytes(b"a" * 2_000_000)
    config = env / "small.toml"
    config.write_text("[input]\nmax_file_mb = 1\n", "utf-8")
    (env / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(
        app, ["ingest", str(big), str(env / "empty.txt"), "--config", str(config)]
    )
    assert result.exit_code == 1, result.output
    assert "[input]" in result.output and "max_file_mb" in result.output
    assert str(big) in result.output and str(env / "empty.txt") in result.output
    assert "nothing was read" in result.output


def test_hostile_batch_long_jsonl_line_is_capped_and_the_next_line_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line is read at most the cap + 1 byte at a time, never whole."""
    import tracemalloc

    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"text": "' + b"a" * 40_000_000 + b'"}\n' + GOOD.encode() + b"\n")
    tracemalloc.start()
    try:
        records = list(iter_records([path], InputConfig(max_file_mb=1)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12_000_000, peak
    problem = _only_problem(records, str(path))
    assert problem.line == 1 and "larger than the 1 MB limit" in problem.message
    assert [r.source for r in records if isinstance(r, Document)] == [f"{path}:2"]


def test_hostile_table_cells_print_markup_literally() -> None:
    from rich.console import Console

    from rasd.records import Actor, Event
    from rasd.render import events_table
    from rasd.taxonomy import ActorType

    event = Event(
        id="e1",
        document_id="d1",
        event_date=None,
        event_type="Battles",
        sub_event_type="Armed clash",
        location="[input] [bold]Tikrit[/bold]",
        actor1=Actor(id="a1", name="[red]Gunmen[/]", actor_type=ActorType.REBEL_GROUP),
    )
    console = Console(width=400, record=True)
    console.print(events_table([event]))
    text = console.export_text()
    assert "[input] [bold]Tikrit[/bold]" in text and "[red]Gunmen[/]" in text
