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


# --- DATA/adoption.toml that is there as a name but cannot be read: an error, never the defaults ---


def test_a_broken_link_as_adoption_toml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "adoption.toml").symlink_to(tmp_path / "nowhere" / "adoption.toml")
    with pytest.raises(ConfigError, match="это ссылка на несуществующий файл"):
        load_settings(tmp_path, environ={})
    result = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09")
    assert_one_line_error(result, names="adoption.toml: файл настроек не прочитать")


def test_a_folder_named_adoption_toml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "adoption.toml").mkdir()
    with pytest.raises(ConfigError, match="это папка, а не файл"):
        load_settings(tmp_path, environ={})


def test_an_unreadable_adoption_toml_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where permissions deny nothing: the read itself is made to fail.
    (tmp_path / "adoption.toml").write_text("[indicator]\ntarget_pct = 40\n", encoding="utf-8")

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)
    with pytest.raises(ConfigError, match=r"не удалось прочитать файл настроек \(нет прав доступа\)"):
        load_settings(tmp_path, environ={})


def test_no_adoption_toml_means_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={}).indicator.target_pct == 33.0
