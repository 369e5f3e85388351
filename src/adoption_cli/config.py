"""Settings: defaults < adoption.toml < environment (ADOPTION_<SECTION>__<KEY>) < command-line flags.

One Pydantic model validates the merged result; unknown keys are errors naming the key. Sources
(`[[sources]]`) live in the same file. Polars-free: imported at start-up.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from adoption_cli.errors import ConfigError, os_problem
from adoption_cli.schema import PLATFORMS, Kind

CONFIG_FILE_NAME = "adoption.toml"
ENV_PREFIX = "ADOPTION_"


def _at_most_six_decimals(value: float) -> float:
    """A percentage setting is compared exactly as written (metrics.common.exact_pct), in 64-bit integers: more
    than six decimals (66.66666666666667, 1e-20) would overflow them, and no ministry figure has as many."""
    if Fraction(str(value)).denominator > 10**6:
        raise ValueError(f"не больше 6 знаков после запятой: {value!r}")
    return value


# A percentage setting: 0–100, at most six decimals.
Percent = Annotated[float, AfterValidator(_at_most_six_decimals)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatedTarget(_Strict):
    """A target in force from a month on (`from = "2025-01"`), until the next one takes over."""

    from_month: str = Field(alias="from", pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    target_pct: Percent = Field(strict=True, ge=0, le=100)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Targeted(_Strict):
    target_pct: Percent = Field(strict=True, ge=0, le=100)
    targets: tuple[DatedTarget, ...] = ()

    @field_validator("targets")
    @classmethod
    def _one_per_month(cls, value: tuple[DatedTarget, ...]) -> tuple[DatedTarget, ...]:
        months = [target.from_month for target in value]
        repeated = next((month for month in months if months.count(month) > 1), None)
        if repeated is not None:
            raise ValueError(f"две цели с одним и тем же from = «{repeated}»; оставьте одну")
        return value

    def target_for(self, month: str) -> float:
        """The target in force in `month` (YYYY-MM): the latest dated target not after it, else the default."""
        in_force = [t for t in self.targets if t.from_month <= month]
        return max(in_force, key=lambda t: t.from_month).target_pct if in_force else self.target_pct


class IndicatorSettings(_Targeted):
    teacher_threshold_pct: Percent = Field(default=50.0, strict=True, ge=0, le=100)
    student_threshold_pct: Percent = Field(default=50.0, strict=True, ge=0, le=100)
    target_pct: Percent = Field(default=33.0, strict=True, ge=0, le=100)
    # Neither list may be empty: no platform or no form of ownership would make every school «not flagged».
    platforms: tuple[str, ...] = Field(default=("myschool", "sferum"), min_length=1)
    ownership: tuple[Literal["municipal", "state", "private"], ...] = Field(
        default=("municipal", "state"), min_length=1
    )

    @field_validator("platforms")
    @classmethod
    def _known_platforms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [p for p in value if p not in PLATFORMS]
        if unknown:
            raise ValueError(f"неизвестная платформа {unknown[0]!r}; допустимы: {', '.join(PLATFORMS)}")
        return value


class AssistantSettings(_Targeted):
    target_pct: Percent = Field(default=84.9, strict=True, ge=0, le=100)
    # The ОО-1 column used as the denominator of the assistant share.
    denominator: Literal["students_total"] = "students_total"


class SferumLevel(_Strict):
    name: str
    min_pct: Percent = Field(strict=True, ge=0, le=100)


class SferumSettings(_Strict):
    # A municipality's level is the highest band whose min_pct its share reaches (lower bound inclusive).
    levels: tuple[SferumLevel, ...] = (
        SferumLevel(name="низкая", min_pct=0.0),
        SferumLevel(name="средняя", min_pct=30.0),
        SferumLevel(name="высокая", min_pct=60.0),
    )

    @field_validator("levels")
    @classmethod
    def _ordered(cls, value: tuple[SferumLevel, ...]) -> tuple[SferumLevel, ...]:
        if not value:
            raise ValueError("нужен хотя бы один уровень")
        bounds = [level.min_pct for level in value]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            raise ValueError("уровни должны идти по возрастанию min_pct без повторов")
        return value


class IdentitySettings(_Strict):
    shared_user_ids: bool = Field(default=False, strict=True)


class TimeSettings(_Strict):
    timezone: str = "Europe/Moscow"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"неизвестный часовой пояс «{value}»") from exc
        return value


class SourceSpec(_Strict):
    """One `[[sources]]` entry: which files are what."""

    path: str
    kind: Kind
    platform: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        if value is not None and value not in PLATFORMS:
            raise ValueError(f"неизвестная платформа {value!r}; допустимы: {', '.join(PLATFORMS)}")
        return value

    @model_validator(mode="after")
    def _known_columns(self) -> SourceSpec:
        from adoption_cli.schema import COLUMNS

        names = {c.name for c in COLUMNS[self.kind]}
        unknown = [name for name in self.columns if name not in names]
        if unknown:
            raise ValueError(f"у вида {self.kind.value} нет столбца {unknown[0]!r}")
        return self


class Settings(_Strict):
    indicator: IndicatorSettings = IndicatorSettings()
    assistant: AssistantSettings = AssistantSettings()
    sferum: SferumSettings = SferumSettings()
    identity: IdentitySettings = IdentitySettings()
    time: TimeSettings = TimeSettings()
    sources: tuple[SourceSpec, ...] = ()


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_path(name: str) -> list[str] | None:
    """ADOPTION_INDICATOR__TARGET_PCT -> ["indicator", "target_pct"]; None for a variable that is no setting.

    Only double-underscore names are settings; ADOPTION_DATA, ADOPTION_LANG… are command options.
    """
    if not name.startswith(ENV_PREFIX) or "__" not in name:
        return None
    return name[len(ENV_PREFIX) :].lower().split("__")


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """ADOPTION_INDICATOR__TARGET_PCT=40 -> {"indicator": {"target_pct": 40}}; values parsed as JSON if they can be."""
    result: dict[str, Any] = {}
    for name, raw in environ.items():
        path = _env_path(name)
        if path is None:
            continue
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = _env_scalar(path, value)
    return result


def _env_scalar(path: list[str], value: Any) -> Any:
    """An environment value for a number or a yes/no setting, read as pydantic's lax mode reads it ("40",
    "yes", 1): variables are text, so the settings' strict types (which refuse `target_pct = "40"` in the
    file) would refuse them. Anything it cannot read is left for validation to name."""
    from pydantic import TypeAdapter

    model: Any = Settings
    for part in path[:-1]:
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return value
        model = field.annotation
    field = model.model_fields.get(path[-1]) if isinstance(model, type) and issubclass(model, BaseModel) else None
    if field is None or field.annotation not in (float, bool):
        return value
    try:
        return TypeAdapter(field.annotation).validate_python(value)
    except ValidationError:
        return value


def _problem(error: Any) -> str:
    """Pydantic's English sentence for the common error types, in Russian, from the structured error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("enum", "literal_error"):
        return f"значение «{error['input']}» не подходит; допустимы: {ctx['expected'].replace(' or ', ', ')}"
    if kind == "value_error":
        return str(ctx["error"])
    if kind in ("less_than_equal", "greater_than_equal"):
        bound = ctx.get("le", ctx.get("ge"))
        return f"должно быть не {'больше' if kind == 'less_than_equal' else 'меньше'} {bound:g}"
    words = {
        "float_parsing": "нужно число",
        "float_type": "нужно число",
        "int_parsing": "нужно целое число",
        "int_type": "нужно целое число",
        "bool_parsing": "нужно true или false",
        "bool_type": "нужно true или false",
        "string_type": "нужна строка в кавычках",
        "tuple_type": "нужен список в квадратных скобках (источники — таблицами [[sources]])",
        "list_type": "нужен список",
        "missing": "ключ обязателен",
        "too_short": "список не может быть пустым" if ctx.get("min_length") == 1 else error["msg"],
        "string_pattern_mismatch": f"значение «{error['input']}» не в нужном формате",
    }
    return words.get(kind, error["msg"])


def _provides(layer: Mapping[str, Any], loc: Sequence[int | str]) -> bool:
    """Whether `layer` (the file's, the environment's or the flags' settings) holds the value at `loc`, or a list
    or table above it."""
    node: Any = layer
    for part in loc:
        if not isinstance(node, Mapping):
            return True  # (a list the layer gives whole: its items are the layer's too)
        if part not in node:
            return False
        node = node[part]
    return True


def _variable_of(environ: Mapping[str, str], loc: Sequence[int | str]) -> str:
    """The ADOPTION_<SECTION>__<KEY> variable that gave the value at `loc`, named as the user wrote it."""
    for name in environ:
        path = _env_path(name)
        if path is not None:
            shared = min(len(path), len(loc))  # (an unknown section: the location is shorter than the variable)
            if [str(part) for part in loc[:shared]] == path[:shared]:
                return name
    return f"{ENV_PREFIX}…"


def _described(error: ValidationError, origin: str | None, origin_en: str | None = None) -> ConfigError:
    """The first problem, in Russian and in English (Pydantic's own sentence); `origin`: what gave the value (the
    file, a variable, the command line: `origin_en` in English where it differs), None when that is not known."""
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    where, where_en = (origin, origin_en or origin) if origin else ("настройки", "settings")
    if first["type"] == "extra_forbidden":
        return ConfigError(
            f"{where}: неизвестный ключ «{key}». Уберите его или проверьте написание.",
            en=f"{where_en}: unknown key «{key}». Remove it or check its spelling.",
        )
    return ConfigError(
        f"{where}: ключ «{key}»: {_problem(first)}. Исправьте настройку.",
        en=f"{where_en}: key «{key}»: {first['msg']}. Fix the setting.",
    )


def _unreadable(path: Path) -> str:
    """Why DATA/adoption.toml, present as a name, is not a file that can be read: never ignored silently, or the
    default rules would apply without a word."""
    if path.is_symlink() and not path.exists():
        problem = f"это ссылка на несуществующий файл «{os.readlink(path)}»"
    elif path.is_dir():
        problem = "это папка, а не файл"
    else:
        problem = "это не обычный файл"
    return f"{path}: файл настроек не прочитать — {problem}; исправьте его или уберите из папки данных."


def default_config_file(data_dir: Path | None) -> Path | None:
    """The data folder's adoption.toml when there is one: what `load_settings` reads without `config_file`."""
    path = data_dir / CONFIG_FILE_NAME if data_dir is not None else None
    return path if path is not None and path.is_file() else None


def load_settings(
    data_dir: Path | None,
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Merge defaults, the config file (explicit, else DATA_DIR/adoption.toml), environment and flags."""
    environ = os.environ if environ is None else environ
    path = config_file or (data_dir / CONFIG_FILE_NAME if data_dir is not None else None)
    layers: dict[str, Any] = {}
    origin: str | None = None
    if path is not None and path.is_file():
        origin = str(path)
        try:
            layers = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except tomllib.TOMLDecodeError as exc:
            # (tomllib says where in English, «(at line 1, column 11)»: the place in Russian, its words as they are)
            place = re.search(r"\s*\(at (?:line (\d+), column (\d+)|(end of document))\)", str(exc))
            detail = str(exc).replace(place[0], "") if place else str(exc)
            where = ""
            if place:
                where = " в конце файла" if place[3] else f" в строке {place[1]}, столбце {place[2]}"
            raise ConfigError(
                f"{path}: ошибка синтаксиса TOML{where} ({detail}). Исправьте файл настроек.",
                en=f"{path}: TOML syntax error: {exc}. Fix the settings file.",
            ) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}: файл настроек не в кодировке UTF-8 (байт {exc.start}); сохраните его в UTF-8."
            ) from exc
        except OSError as exc:
            raise ConfigError(f"{path}: не удалось прочитать файл настроек ({os_problem(exc)}).") from exc
    elif config_file is not None:
        raise ConfigError(f"{config_file}: файл настроек не найден.", en=f"{config_file}: settings file not found.")
    elif path is not None and os.path.lexists(path):
        raise ConfigError(_unreadable(path))
    from_environment = _env_overrides(environ)
    merged = _deep_merge(_deep_merge(layers, from_environment), overrides or {})
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        # (named where the faulty value came from: a variable that overrides the file is not in the file)
        loc = exc.errors()[0]["loc"]
        if _provides(overrides or {}, loc):
            raise _described(exc, "командная строка", "command line") from exc
        if _provides(from_environment, loc):
            origin = _variable_of(environ, loc)
        raise _described(exc, origin) from exc
