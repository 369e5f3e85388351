"""Settings that cannot be used stop the command with one line naming the key (exit 1), from the file and from
the environment alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from adoption_cli.config import load_settings
from adoption_cli.errors import ConfigError
from tests.cli_support import invoke
from tests.reliability.support import assert_one_line_error


@pytest.mark.parametrize("key", ["platforms", "ownership"])
def test_an_empty_platform_or_ownership_list_is_refused_from_the_file(tmp_path: Path, key: str) -> None:
    (tmp_path / "adoption.toml").write_text(f"[indicator]\n{key} = []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"ключ «indicator\.{key}»: список не может быть пустым"):
        load_settings(tmp_path, environ={})


@pytest.mark.parametrize("key", ["PLATFORMS", "OWNERSHIP"])
def test_an_empty_platform_or_ownership_list_is_refused_from_the_environment(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError, match=rf"ключ «indicator\.{key.lower()}»: список не может быть пустым"):
        load_settings(tmp_path, environ={f"ADOPTION_INDICATOR__{key}": "[]"})
    result = invoke(
        "indicator", "--data", str(tmp_path), "--month", "2024-09", env={f"ADOPTION_INDICATOR__{key}": "[]"}
    )
    assert_one_line_error(result, names=f"indicator.{key.lower()}")


def test_non_empty_lists_still_work_from_the_environment() -> None:
    settings = load_settings(
        None, environ={"ADOPTION_INDICATOR__PLATFORMS": '["sferum"]', "ADOPTION_INDICATOR__OWNERSHIP": '["state"]'}
    )
    assert settings.indicator.platforms == ("sferum",)
    assert settings.indicator.ownership == ("state",)
