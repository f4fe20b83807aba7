"""Settings and pipeline configuration."""

from __future__ import annotations

import tomllib

import pytest

from rasd.config import DEFAULT_SECRET, PipelineConfig, Settings
from rasd.exceptions import ConfigError


def test_config_settings_production_refuses_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASD_ENVIRONMENT", "production")
    settings = Settings()
    assert settings.secret_key == DEFAULT_SECRET
    with pytest.raises(ConfigError, match="RASD_SECRET_KEY"):
        settings.check_safe()


def test_config_settings_development_allows_default_secret() -> None:
    Settings(environment="development").check_safe()


def test_config_settings_database_url_default_is_user_data_dir(tmp_path) -> None:
    s = Settings(data_dir=tmp_path)
    assert s.resolved_database_url() == f"sqlite:///{tmp_path / 'rasd.sqlite'}"


def test_config_settings_default_toml_matches_model_defaults() -> None:
    """The commented default file and the code's defaults never drift apart."""
    from_file = PipelineConfig.model_validate(tomllib.loads(PipelineConfig.default_toml()))
    assert from_file == PipelineConfig()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[nlp]\nmodle = 'x'", "nlp.modle"),
        ("[nlp]\nbatch_size = 0", "nlp.batch_size"),
        ("[events\n", "not valid TOML"),
        ("[temporal]\nmissing_publication_date = 'guess'", "temporal.missing_publication_date"),
    ],
)
def test_config_settings_bad_toml_names_key(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        PipelineConfig.from_toml(text, "my.toml")
    assert fragment in str(info.value)
    assert "my.toml" in str(info.value)


def test_config_settings_missing_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        PipelineConfig.load(tmp_path / "nope.toml")
