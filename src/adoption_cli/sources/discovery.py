"""Which files in the data folder are what: the `[[sources]]` manifest, else file names.

Polars-free. Every problem is a one-sentence DataError naming the path and what to do; every data file that
is not read (an unknown name, a format the loader cannot read, a sub-folder, a file no [[sources]] entry
names) is named in a warning that says what to do.
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
from adoption_cli.sources.guess import Guess, guess

# Exports the loader cannot read: each is named in a warning that says what to do. Other files (README.md,
# a PDF) are no exports and are ignored silently, as are hidden files, Excel's lock files and adoption.toml.
OTHER_SPREADSHEETS = (".xls", ".xlsm", ".xlsb", ".ods")
ARCHIVES = (".zip", ".gz", ".7z", ".rar")
# A folder holding this file is a store of adoption ingest (store.manifest.MANIFEST_NAME), not exports.
STORE_MANIFEST = "manifest.json"
# File names a warning lists before «и ещё N».
LISTED_FILES = 5


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display: str  # relative to the data folder, with forward slashes
    kind: Kind
    platform: str | None = None
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    entry: str | None = None  # the path pattern of its [[sources]] entry; None: recognised by its name


@dataclass(slots=True)
class Discovery:
    files: list[SourceFile]
    warnings: list[str] = field(default_factory=list)


def needs_registry(kinds: Collection[Kind]) -> bool:
    """Kinds that name schools are checked against the registry, so it is loaded with them."""
    return any(any(c.name == "school_id" for c in COLUMNS[kind]) for kind in kinds)


def _display(path: Path, data_dir: Path) -> str:
    return Path(os.path.relpath(path, data_dir)).as_posix()


def is_ignored(name: str) -> bool:
    """Hidden files and folders, Excel's lock files (~$name.xlsx) and the settings file: never data."""
    return name.startswith((".", "~$")) or name == CONFIG_FILE_NAME


def _not_readable(path: Path) -> str | None:
    """Why a file that looks like an export is not read, and what to do; None for a readable suffix or a
    file that is no export (README.md, a PDF)."""
    suffix = path.suffix.lower()
    if suffix in OTHER_SPREADSHEETS:
        return f"формат {suffix} не читается — сохраните как .xlsx"
    if suffix in ARCHIVES:
        return "архив не читается — распакуйте его в папку данных"
    if not suffix:
        return "файл без расширения не читается — добавьте расширение по его формату (.csv, .xlsx…)"
    return None


def is_data_file(path: Path) -> bool:
    """A file that holds or may hold an export: one the loader reads, or one a warning names when it is not."""
    return not is_ignored(path.name) and (path.suffix.lower() in READABLE_SUFFIXES or _not_readable(path) is not None)


def _is_candidate(path: Path) -> bool:
    # Broken links are kept so that reading them reports the problem instead of skipping the file.
    return not is_ignored(path.name) and (path.is_file() or path.is_symlink())


def _outside_the_data(path: Path, data_dir: Path) -> bool:
    """A path a pattern matched below a hidden folder (the default store `.adoption-store` among them) or inside
    a store of adoption ingest: never data, as when files are found by name — and the store's freshness check
    (store.manifest.candidate_files) does not look there either, so reading such a file would go unnoticed."""
    relative = Path(os.path.relpath(path, data_dir))
    folders = relative.parts[:-1]
    if any(is_ignored(part) for part in folders if part != ".."):  # (a path may leave the folder: ../shared)
        return True
    return any((data_dir.joinpath(*folders[: depth + 1]) / STORE_MANIFEST).is_file() for depth in range(len(folders)))


def _from_manifest(data_dir: Path, specs: tuple[SourceSpec, ...]) -> list[SourceFile]:
    claimed: dict[Path, SourceSpec] = {}
    files: list[SourceFile] = []
    for spec in specs:
        try:
            found = sorted(p for p in data_dir.glob(spec.path) if _is_candidate(p))
            matched = [p for p in found if not _outside_the_data(p, data_dir)]
        except (ValueError, NotImplementedError) as exc:  # (pathlib's reason is English: said in Russian here)
            # (NotImplementedError: «Non-relative patterns are unsupported»; ValueError: empty, or «**» inside a
            # name, «2024**/*.csv»)
            if not spec.path.strip():
                why = "пустой шаблон"
            elif isinstance(exc, NotImplementedError):
                why = "абсолютный путь"
            else:
                why = "«**» может быть только целым звеном пути, например «выгрузки/**/*.csv»"
            raise DataError(
                f"{CONFIG_FILE_NAME}: шаблон path = «{spec.path}» не годится ({why}); "
                'укажите путь относительно папки данных, например path = "выгрузки/*.csv".'
            ) from exc
        if found and not matched:
            raise DataError(
                f"{CONFIG_FILE_NAME}: шаблон path = «{spec.path}» находит файлы только в скрытых папках или в "
                f"хранилище ({_display(found[0], data_dir)}), а они не читаются; перенесите выгрузки в обычную папку."
            )
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
            files.append(SourceFile(path, display, spec.kind, spec.platform, spec.sheet, dict(spec.columns), spec.path))
    return files


def _by_name(data_dir: Path) -> list[SourceFile]:
    patterns: list[tuple[str, Kind, str | None]] = []
    for pattern, kind in DISCOVERY_PATTERNS:
        if "{platform}" in pattern:
            patterns += [(pattern.format(platform=code), kind, code) for code in PLATFORMS]
        else:
            patterns.append((pattern, kind, None))
    files: list[SourceFile] = []
    for path in sorted(data_dir.iterdir()):
        if not _is_candidate(path) or path.suffix.lower() not in READABLE_SUFFIXES:
            continue
        name = path.name.lower()
        match = next(((kind, platform) for pattern, kind, platform in patterns if fnmatchcase(name, pattern)), None)
        if match is not None:
            files.append(SourceFile(path, path.name, match[0], match[1]))
    return files


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED_FILES])
    return shown + (f" и ещё {len(names) - LISTED_FILES}" if len(names) > LISTED_FILES else "")


def _unread_below(folder: Path, data_dir: Path, read: set[Path]) -> list[str]:
    """Data files anywhere in a sub-folder that nothing reads (hidden folders and stores aside)."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        if (here / STORE_MANIFEST).is_file():
            dirs.clear()
            continue
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        paths = (here / name for name in sorted(names))
        found += [_display(p, data_dir) for p in paths if is_data_file(p) and p.resolve() not in read]
    return found


def _not_read(data_dir: Path, files: list[SourceFile], manifest: bool) -> list[str]:
    """A warning for every data file of the folder that is not read: one no name pattern (or, with a
    manifest, no [[sources]] entry) matches, one in a format the loader cannot read, one in a sub-folder."""
    read = {f.path.resolve() for f in files}
    warnings: list[str] = []
    unlisted: list[str] = []
    formats: dict[str, list[str]] = {}
    for path in sorted(data_dir.iterdir()):
        if is_ignored(path.name):
            continue
        if path.is_dir():
            unread = _unread_below(path, data_dir, read)
            if unread and not manifest:  # without a manifest nothing in a sub-folder is read
                warnings.append(
                    f"{path.name}/: файлы в подпапках не читаются ({_listed(unread)}); перенесите их в саму папку "
                    f"данных или опишите в [[sources]] в {CONFIG_FILE_NAME}."
                )
                continue
        elif is_data_file(path) and path.resolve() not in read:
            unread = [path.name]
        else:
            continue
        for display in unread:
            why = _not_readable(Path(display))
            if why is not None:
                formats.setdefault(why, []).append(display)
            elif manifest:
                unlisted.append(display)
            else:
                warnings.append(
                    f"{display}: файл не распознан по имени и не загружен; "
                    + (
                        _renaming(display, found)
                        if (found := guess(data_dir / display)) is not None
                        else "назовите его по образцу schools.*, <платформа>_accounts*.*, … или опишите в [[sources]]."
                    )
                )
    warnings += [f"{_listed(names)}: {why}." for why, names in formats.items()]
    if unlisted:
        warnings.append(
            f"Файлы, которых нет в [[sources]] в {CONFIG_FILE_NAME}, не читаются: {_listed(unlisted)}; добавьте для "
            "них записи [[sources]] или уберите их из папки данных."
        )
    return warnings


def _renaming(display: str, found: Guess) -> str:
    """«по заголовку это выгрузка вида events платформы sferum: назовите его sferum_events.csv …»."""
    suffix = Path(display).suffix
    what = f"вида {found.kind.value}" + (f" платформы {found.platform}" if found.platform else "")
    name = found.file_name(suffix)
    folder = f"{Path(display).parent}/" if Path(display).parent != Path(".") else ""
    # (`schools.*` takes no more after the word; the other patterns do: sferum_events_2024-09.csv)
    more = (
        "" if found.kind == Kind.SCHOOLS else f" (имя может продолжаться: {name.removesuffix(suffix)}_2024-09{suffix})"
    )
    if found.platform_column:
        # (a name gives every row its platform: rows of another would be rejected as platform_mismatch)
        return (
            f"по заголовку это выгрузка {what} со столбцом платформы: опишите её в [[sources]] "
            f'(path = "{display}", kind = "{found.kind.value}", без platform) или, если платформа в ней одна, '
            f"назовите её {folder}{name}{more}."
        )
    return f"по заголовку это выгрузка {what}: назовите его {folder}{name}{more} или опишите в [[sources]]."


def _unrecognised(data_dir: Path, files: list[SourceFile]) -> list[str]:
    """The folder's own data files in a readable format that no name pattern matched (the registry may be
    among them under another name: «Реестр ОО.xlsx»)."""
    read = {f.path.resolve() for f in files}
    return [
        path.name
        for path in sorted(data_dir.iterdir())
        if not is_ignored(path.name)
        and path.is_file()
        and is_data_file(path)
        and path.resolve() not in read
        and _not_readable(path) is None
    ]


# The name discovery knows the registry by (`schools.*`).
_REGISTRY_PATTERN = next(pattern for pattern, kind in DISCOVERY_PATTERNS if kind == Kind.SCHOOLS)


def _unreadable_registry(data_dir: Path) -> str | None:
    """Why a file named like the registry is not read (for the error that there is no registry), if one is."""
    for path in sorted(data_dir.iterdir()):
        if is_ignored(path.name):
            continue
        if path.is_dir():
            below = [
                p for p in _unread_below(path, data_dir, set()) if fnmatchcase(Path(p).name.lower(), _REGISTRY_PATTERN)
            ]
            if below:
                return f"{below[0]} лежит в подпапке — перенесите его в саму папку данных"
        elif fnmatchcase(path.name.lower(), _REGISTRY_PATTERN) and (why := _not_readable(path)):
            return f"{path.name}: {why}"
    return None


def _unlisted_registry(data_dir: Path) -> str | None:
    """The name of a registry file as name-based discovery would find it (`_REGISTRY_PATTERN`), if the folder has
    one."""
    named = sorted(
        path.name
        for path in data_dir.iterdir()
        if path.is_file()
        and fnmatchcase(path.name.lower(), _REGISTRY_PATTERN)
        and path.suffix.lower() in READABLE_SUFFIXES
    )
    return named[0] if named else None


def discover(data_dir: Path, settings: Settings, kinds: Collection[Kind]) -> Discovery:
    """Files of the requested kinds (plus the registry when they need it), registry first."""
    if not data_dir.is_dir():
        raise DataError(
            f"Папка с данными {data_dir} не найдена; укажите существующую папку (--data или ADOPTION_DATA).",
            en=f"The data folder {data_dir} was not found; give an existing folder (--data or ADOPTION_DATA).",
        )
    manifest = bool(settings.sources)
    files = _from_manifest(data_dir, settings.sources) if manifest else _by_name(data_dir)
    found = Discovery(files, _not_read(data_dir, files, manifest))
    wanted = set(kinds)
    if needs_registry(wanted):
        wanted.add(Kind.SCHOOLS)
        if not any(f.kind == Kind.SCHOOLS for f in found.files):
            unreadable = None if manifest else _unreadable_registry(data_dir)
            if unreadable is not None:
                raise DataError(f"В папке {data_dir} нет реестра школ, который можно прочитать: {unreadable}.")
            unnamed = [] if manifest else _unrecognised(data_dir, found.files)
            listed = ", ".join(unnamed[:LISTED_FILES]) + (" …" if len(unnamed) > LISTED_FILES else "")
            registries = [name for name in unnamed if (seen := guess(data_dir / name)) and seen.kind == Kind.SCHOOLS]
            hint, hint_en = (
                (
                    f" В папке есть файлы, не распознанные по имени: {listed} — если реестр среди них, назовите "
                    "его schools.csv (schools.xlsx…).",
                    f" Files not recognised by name: {listed} — if the registry is one of them, name it "
                    "schools.csv (schools.xlsx…).",
                )
                if unnamed
                else ("", "")
            )
            if registries:
                named = Path(registries[0])
                hint += f" По заголовку реестр школ — {named}."
                hint_en += f" By its header the school registry is {named}."
            # (with a manifest only the files it lists are read: a schools.csv beside it is not)
            unlisted = _unlisted_registry(data_dir) if manifest else None
            if unlisted is not None:
                hint = (
                    f" {unlisted} лежит в папке, но {CONFIG_FILE_NAME} его не перечисляет (читаются только файлы "
                    f'из [[sources]]): добавьте запись с path = "{unlisted}" и kind = "schools".'
                )
                hint_en = (
                    f" {unlisted} is in the folder, but {CONFIG_FILE_NAME} does not list it (only the files of "
                    f'[[sources]] are read): add an entry with path = "{unlisted}" and kind = "schools".'
                )
            raise DataError(
                f"В папке {data_dir} нет реестра школ (schools.csv, schools.xlsx…); добавьте выгрузку ОО-1 "
                f'или опишите её в {CONFIG_FILE_NAME} как [[sources]] с kind = "schools".{hint}',
                en=f"The folder {data_dir} has no school registry (schools.csv, schools.xlsx…); add the OO-1 export "
                f'or describe it in {CONFIG_FILE_NAME} as [[sources]] with kind = "schools".{hint_en}',
            )
    found.files = sorted(
        (f for f in found.files if f.kind in wanted), key=lambda f: (f.kind != Kind.SCHOOLS, f.display)
    )
    return found
