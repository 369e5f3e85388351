"""Which files in the data folder are what: the `[[sources]]` manifest, else file names.

Polars-free. Every problem is a one-sentence DataError naming the path and what to do.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from adoption_cli.config import CONFIG_FILE_NAME, Settings, SourceSpec
from adoption_cli.errors import DataError
from adoption_cli.schema import COLUMNS, DISCOVERY_PATTERNS, PLATFORMS, READABLE_SUFFIXES, Kind


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display: str  # relative to the data folder, with forward slashes
    kind: Kind
    platform: str | None = None
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Discovery:
    files: list[SourceFile]
    warnings: list[str] = field(default_factory=list)


def needs_registry(kinds: Collection[Kind]) -> bool:
    """Kinds that name schools are checked against the registry, so it is loaded with them."""
    return any(any(c.name == "school_id" for c in COLUMNS[kind]) for kind in kinds)


def _display(path: Path, data_dir: Path) -> str:
    return Path(os.path.relpath(path, data_dir)).as_posix()


def _is_candidate(path: Path) -> bool:
    # Broken links are kept so that reading them reports the problem instead of skipping the file.
    hidden = path.name.startswith((".", "~$")) or path.name == CONFIG_FILE_NAME
    return not hidden and (path.is_file() or path.is_symlink())


def _from_manifest(data_dir: Path, specs: tuple[SourceSpec, ...]) -> list[SourceFile]:
    claimed: dict[Path, SourceSpec] = {}
    files: list[SourceFile] = []
    for spec in specs:
        try:
            matched = sorted(p for p in data_dir.glob(spec.path) if _is_candidate(p))
        except (ValueError, NotImplementedError) as exc:
            raise DataError(
                f"{CONFIG_FILE_NAME}: шаблон path = «{spec.path}» не годится ({exc}); "
                "укажите путь относительно папки данных."
            ) from exc
        if not matched:
            raise DataError(
                f"{CONFIG_FILE_NAME}: шаблон path = «{spec.path}» не нашёл ни одного файла в {data_dir}; "
                "исправьте путь или уберите эту запись [[sources]]."
            )
        for path in matched:
            display = _display(path, data_dir)
            other = claimed.get(path.resolve())
            if other is not None:
                raise DataError(
                    f"{display}: файл подходит под два источника в {CONFIG_FILE_NAME} («{other.path}» и "
                    f"«{spec.path}»); уточните шаблоны, чтобы каждый файл описывался один раз."
                )
            claimed[path.resolve()] = spec
            if path.suffix.lower() not in READABLE_SUFFIXES:
                raise DataError(
                    f"{display}: формат «{path.suffix or 'без расширения'}» не поддерживается; "
                    f"нужны {', '.join(READABLE_SUFFIXES)} — сузьте шаблон «{spec.path}»."
                )
            files.append(SourceFile(path, display, spec.kind, spec.platform, spec.sheet, dict(spec.columns)))
    return files


def _by_name(data_dir: Path) -> Discovery:
    patterns: list[tuple[str, Kind, str | None]] = []
    for pattern, kind in DISCOVERY_PATTERNS:
        if "{platform}" in pattern:
            patterns += [(pattern.format(platform=code), kind, code) for code in PLATFORMS]
        else:
            patterns.append((pattern, kind, None))
    found = Discovery([])
    for path in sorted(data_dir.iterdir()):
        if not _is_candidate(path) or path.suffix.lower() not in READABLE_SUFFIXES:
            continue
        name = path.name.lower()
        match = next(((kind, platform) for pattern, kind, platform in patterns if fnmatchcase(name, pattern)), None)
        if match is None:
            found.warnings.append(
                f"{path.name}: файл не распознан по имени и не загружен; назовите его по образцу "
                "schools.*, <платформа>_accounts*.*, … или опишите в [[sources]]."
            )
            continue
        found.files.append(SourceFile(path, path.name, match[0], match[1]))
    return found


def discover(data_dir: Path, settings: Settings, kinds: Collection[Kind]) -> Discovery:
    """Files of the requested kinds (plus the registry when they need it), registry first."""
    if not data_dir.is_dir():
        raise DataError(
            f"Папка с данными {data_dir} не найдена; укажите существующую папку (--data или ADOPTION_DATA)."
        )
    found = Discovery(_from_manifest(data_dir, settings.sources)) if settings.sources else _by_name(data_dir)
    wanted = set(kinds)
    if needs_registry(wanted):
        wanted.add(Kind.SCHOOLS)
        if not any(f.kind == Kind.SCHOOLS for f in found.files):
            raise DataError(
                f"В папке {data_dir} нет реестра школ (schools.csv, schools.xlsx…); добавьте выгрузку ОО-1 "
                f'или опишите её в {CONFIG_FILE_NAME} как [[sources]] с kind = "schools".'
            )
    found.files = sorted(
        (f for f in found.files if f.kind in wanted), key=lambda f: (f.kind != Kind.SCHOOLS, f.display)
    )
    return found
