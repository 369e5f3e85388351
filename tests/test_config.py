"""Settings that cannot be used stop the command with one line naming the key (exit 1), from the file and from
the environment alike."""

from __future__ import annotations

import re
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


# --- strict types in the file; the environment's text is still read as numbers and yes/no ---


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ('[indicator]\ntarget_pct = "40"\n', "ключ «indicator.target_pct»: нужно число"),
        ('[indicator]\nteacher_threshold_pct = "50"\n', "ключ «indicator.teacher_threshold_pct»: нужно число"),
        ("[indicator]\ntarget_pct = true\n", "ключ «indicator.target_pct»: нужно число"),
        ('[assistant]\ntarget_pct = "84.9"\n', "ключ «assistant.target_pct»: нужно число"),
        ('[[indicator.targets]]\nfrom = "2025-01"\ntarget_pct = "40"\n', "ключ «indicator.targets.0.target_pct»"),
        ('[sferum]\nlevels = [{name = "все", min_pct = "0"}]\n', "ключ «sferum.levels.0.min_pct»: нужно число"),
        ("[identity]\nshared_user_ids = 1\n", "ключ «identity.shared_user_ids»: нужно true или false"),
        ('[identity]\nshared_user_ids = "true"\n', "ключ «identity.shared_user_ids»: нужно true или false"),
        ('[time]\ntimezone = "Mars/Olympus"\n', "ключ «time.timezone»: неизвестный часовой пояс «Mars/Olympus»"),
    ],
)
def test_a_value_of_the_wrong_type_in_the_file_is_refused(tmp_path: Path, toml: str, says: str) -> None:
    (tmp_path / "adoption.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=says):
        load_settings(tmp_path, environ={})


def test_integers_are_numbers_in_the_file(tmp_path: Path) -> None:
    (tmp_path / "adoption.toml").write_text("[indicator]\ntarget_pct = 40\n", encoding="utf-8")
    assert load_settings(tmp_path, environ={}).indicator.target_pct == 40.0


@pytest.mark.parametrize("section", ["indicator", "assistant"])
def test_two_dated_targets_from_the_same_month_are_refused(tmp_path: Path, section: str) -> None:
    targets = f'[[{section}.targets]]\nfrom = "2024-01"\ntarget_pct = 10\n'
    targets += f'[[{section}.targets]]\nfrom = "2024-01"\ntarget_pct = 50\n'
    (tmp_path / "adoption.toml").write_text(targets, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"ключ «{section}\.targets»: две цели с одним и тем же from = «2024-01»"):
        load_settings(tmp_path, environ={})
    result = invoke("indicator", "--data", str(tmp_path), "--month", "2024-09")
    assert_one_line_error(result, names=f"«{section}.targets»")


@pytest.mark.parametrize(
    ("name", "raw", "read"),
    [
        ("ADOPTION_INDICATOR__TARGET_PCT", "40", 40.0),
        ("ADOPTION_INDICATOR__TARGET_PCT", "40.5", 40.5),
        ("ADOPTION_ASSISTANT__TARGET_PCT", "90", 90.0),
        ("ADOPTION_INDICATOR__TEACHER_THRESHOLD_PCT", "60", 60.0),
        ("ADOPTION_IDENTITY__SHARED_USER_IDS", "true", True),
        ("ADOPTION_IDENTITY__SHARED_USER_IDS", "yes", True),
        ("ADOPTION_IDENTITY__SHARED_USER_IDS", "0", False),
    ],
)
def test_environment_variables_are_still_read_from_their_text(name: str, raw: str, read: object) -> None:
    settings = load_settings(None, environ={name: raw})
    section, key = name.removeprefix("ADOPTION_").lower().split("__")
    assert getattr(getattr(settings, section), key) == read


def test_environment_text_that_is_no_number_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"ключ «indicator\.target_pct»: нужно число"):
        load_settings(None, environ={"ADOPTION_INDICATOR__TARGET_PCT": "сорок"})


def test_a_bad_value_is_named_by_where_it_came_from(tmp_path: Path) -> None:
    """A variable overriding adoption.toml was said to be the file's key: the user looked for it in the file."""
    (tmp_path / "adoption.toml").write_text("[indicator]\ntarget_pct = 40\n", encoding="utf-8")
    variable = {"ADOPTION_INDICATOR__PLATFORMS": "[]"}
    with pytest.raises(ConfigError, match=r"^ADOPTION_INDICATOR__PLATFORMS: ключ «indicator\.platforms»"):
        load_settings(tmp_path, environ=variable)
    with pytest.raises(ConfigError, match=r"^командная строка: ключ «indicator\.target_pct»"):
        load_settings(tmp_path, environ={}, overrides={"indicator": {"target_pct": 1e-20}})
    (tmp_path / "adoption.toml").write_text('[indicator]\ntarget_pct = "40"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=rf"^{re.escape(str(tmp_path / 'adoption.toml'))}: ключ «indicator\.target_pct»"
    ):
        load_settings(tmp_path, environ={"ADOPTION_INDICATOR__PLATFORMS": '["sferum"]'})


@pytest.mark.parametrize("value", ["66.66666666666667", "1e-20", "33.3333333"])
def test_a_percentage_with_more_than_six_decimals_is_refused(value: str) -> None:
    """Compared exactly as written, in 64-bit integers: 2/3 written to the last digit wrapped them round, and a
    school at 40 % counted as reaching 66.67 %."""
    with pytest.raises(ConfigError, match=r"ключ «indicator\.teacher_threshold_pct»: не больше 6 знаков после запятой"):
        load_settings(None, environ={"ADOPTION_INDICATOR__TEACHER_THRESHOLD_PCT": value})
    assert (
        load_settings(None, environ={"ADOPTION_INDICATOR__TARGET_PCT": "33.333333"}).indicator.target_pct == 33.333333
    )


def test_a_mistyped_variable_is_named_and_a_toml_error_at_the_end_is_said_in_russian(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^ADOPTION_INDICATR__TARGET_PCT: неизвестный ключ «indicatr»"):
        load_settings(None, environ={"ADOPTION_INDICATR__TARGET_PCT": "40"})
    (tmp_path / "adoption.toml").write_text('a = "x', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ошибка синтаксиса TOML в конце файла \(Unterminated string\)"):
        load_settings(tmp_path, environ={})
