"""Settings and pipeline configuration."""

from __future__ import annotations

import tomllib

import pytest

from rasd.config import PipelineConfig, Settings
from rasd.exceptions import ConfigError


def test_config_settings_no_unused_secret_key() -> None:
    """RASD_SECRET_KEY was checked at start-up but never used (issue 12, defect 17):
    sessions and tokens are random secrets kept as digests, nothing is signed."""
    assert "secret_key" not in Settings.model_fields


def test_config_settings_production_starts_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASD_ENVIRONMENT", "production")
    Settings().check_safe()


@pytest.mark.parametrize(
    ("variable", "value", "fix"),
    [
        ("RASD_ENVIRONMENT", "prod", "development, test or production"),
        ("RASD_AUTH", "maybe", "required"),
        ("RASD_PORT", "eighty", "docs/configuration.md"),
        ("RASD_MAX_BODY_KB", "0", "docs/configuration.md"),
        ("RASD_TRUSTED_PROXIES", "10.0.0.1,proxy.local", "comma-separated"),
    ],
)
def test_config_settings_bad_value_names_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fix: str
) -> None:
    """A bad value is a ConfigError naming the variable and the fix, not a traceback."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as info:
        Settings()
    assert info.value.subject == variable
    assert fix in info.value.fix


def test_config_settings_trusted_proxies_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASD_TRUSTED_PROXIES", "10.0.0.1, 10.2.0.0/16")
    assert Settings().trusted_proxies == ("10.0.0.1", "10.2.0.0/16")


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
