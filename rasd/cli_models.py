"""``rasd train``: rebuild the learned coder's heads. Registered on :data:`rasd.cli.app`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rasd.cli import ConfigOpt, _config, _progress, _settings, app, out


@app.command("train")
def train_cmd(
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus folder (default: corpus/ of the checkout).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Where the heads go (default: the packaged artefacts)."),
    ] = None,
    encoder: Annotated[str, typer.Option(help="Sentence encoder: e5, hashing or minilm.")] = "e5",
    seed: Annotated[int, typer.Option(help="Random seed; same corpus and seed, same bytes.")] = 13,
    config: ConfigOpt = None,
) -> None:
    """Train the learned coder's heads on rasd's own corpus and write them with a manifest.

    Example: rasd train --out /tmp/heads
    """
    from rasd.models.encoder import CachedEncoder, make_encoder
    from rasd.models.train import ARTEFACTS, default_corpus_dir, iter_sha256, train

    cfg = _config(config)
    # vectors are cached by text hash in the user cache dir: a retrain embeds only new texts
    cached = CachedEncoder(make_encoder(encoder), Path(_settings().cache_dir))
    with _progress() as progress:
        task = progress.add_task("training", total=None)
        result, paths = train(
            corpus or default_corpus_dir(),
            out_dir or ARTEFACTS,
            cfg,
            cached,
            seed,
            on_total=lambda n: progress.update(task, total=n),
            progress=lambda n: progress.advance(task, n),
        )
    valid = result.manifest["valid"]
    out.print(f"valid split: {valid}")
    for name, digest in iter_sha256(paths):
        out.print(f"{name}  sha256 {digest}")
