"""Encodings, separators and binary/empty files, file by file and through the loader."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest
from sources_helpers import REGISTRY, file_load, load, write, write_registry

from adoption_cli.errors import DataError
from adoption_cli.schema import Kind
from adoption_cli.sources import dialect
from adoption_cli.sources.columns import ColumnMap
from adoption_cli.sources.dialect import inspect_text, sniff_separator, utf8_source

TEXT = "ИНН;Наименование\n2310031475;Школа «Ёлочка»\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("cp1251"), "cp1251"),
        (TEXT.encode("utf-16"), "utf-16"),  # Excel's «Unicode text»: UTF-16 with a BOM
        (b"school_id,name\n1,a\n", "utf-8"),  # plain ASCII
    ],
)
def test_encoding_detected_and_text_recovered(tmp_path: Path, raw: bytes, encoding: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    found = inspect_text(path, "f.csv")
    assert found.encoding == encoding
    assert found.fingerprint.size_bytes == len(raw)
    text = utf8_source(path, found, "f.csv").read_text(encoding="utf-8-sig")
    assert text == raw.decode(encoding).removeprefix("\ufeff")


def test_transcoding_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 7-byte chunks split UTF-16 code units and cp1251 runs at every possible offset.
    monkeypatch.setattr(dialect, "CHUNK_BYTES", 7)
    for encoding in ("utf-16", "cp1251"):
        path = write(tmp_path / f"{encoding}.csv", TEXT * 5, encoding)
        found = inspect_text(path, "f.csv")
        assert utf8_source(path, found, "f.csv").read_text(encoding="utf-8") == (TEXT * 5).removeprefix("\ufeff")


LINES = [f"{i};Школа {i}" for i in range(300)]


@pytest.mark.parametrize(
    ("ends", "kind"),
    [
        (["\n"], "\n"),
        (["\r\n"], "\n"),
        (["\r"], "\r"),
        (["\r", "\r\n", "\n"], dialect.MIXED),  # lines ending in turn each way
        (["\r"] * 150 + ["\r\n"] * 150, dialect.MIXED),  # a CR file, then a CR LF one appended
        (["\r"] * 290 + ["\n"] * 10, dialect.MIXED),  # CR lines, LF inside some cells (Mac Excel)
        (["\r\n"] * 299 + ["\r"], dialect.MIXED),  # one line in 300 ending in CR alone: still a line end
        (["\n"] * 299 + ["\r"], dialect.MIXED),
    ],
)
@pytest.mark.parametrize("chunk", [7, dialect.CHUNK_BYTES])
def test_line_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ends: list[str], kind: str, chunk: int) -> None:
    """How a file's lines end, counted over the whole file (7-byte pieces split CR LF at every offset); a file
    of mixed ends is rewritten with every line end as LF, whatever its encoding."""
    monkeypatch.setattr(dialect, "CHUNK_BYTES", chunk)
    text = "".join(line + ends[i % len(ends)] for i, line in enumerate(LINES))
    for encoding in ("utf-8", "cp1251", "utf-16"):  # (UTF-16's line ends are counted once decoded)
        path = write(tmp_path / "f.csv", text, encoding)
        found = inspect_text(path, "f.csv")
        assert found.line_ends == kind
        copy = utf8_source(path, found, "f.csv").read_bytes().decode("utf-8")
        assert copy == ("\n".join(LINES) + "\n" if kind == dialect.MIXED else text)


def test_a_utf8_mark_on_cp1251_text_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(b"\xef\xbb\xbf" + REGISTRY.replace(",", ";").replace("Школа 1", "Школа №1").encode("cp1251"))
    found = inspect_text(path, "schools.csv")
    assert found.encoding == "cp1251"
    assert utf8_source(path, found, "schools.csv").read_text(encoding="utf-8").startswith("school_id;name")
    assert file_load(load(tmp_path), "schools.csv").loaded == 2


def test_binary_file_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00binary")
    with pytest.raises(DataError, match=r"schools\.csv: это не текстовая таблица.*\.xlsx"):
        inspect_text(path, "schools.csv")


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "schools.csv", "")
    with pytest.raises(DataError, match=r"schools\.csv: файл пуст"):
        inspect_text(path, "schools.csv")


def test_mixed_encoding_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Наименование;ИНН\n".encode() + "Школа;1\n".encode("cp1251"))
    with pytest.raises(DataError, match="смешанной кодировке"):
        inspect_text(path, "f.csv")


def test_a_utf8_file_cut_mid_character_is_said_to_be_cut(tmp_path: Path) -> None:
    """All valid UTF-8 but for a last character begun and not finished: a copy cut short, not «mixed»."""
    path = tmp_path / "f.csv"
    path.write_bytes("Наименование;ИНН\nШкола;1\nШкола".encode()[:-1])
    with pytest.raises(DataError, match=r"^f\.csv: файл обрывается посреди символа"):
        inspect_text(path, "f.csv")


def test_undecodable_bytes_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n\x98;1\n")  # 0x98 is unassigned in cp1251 and invalid UTF-8
    found = inspect_text(path, "f.csv")
    with pytest.raises(DataError, match="кодировка не распознана"):
        utf8_source(path, found, "f.csv")


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_each_separator(separator: str) -> None:
    sample = separator.join(["a", "b", "c"]) + "\n" + separator.join(["1", "2,5", "x"]) + "\n"
    assert sniff_separator(sample) == separator


def test_separator_inside_quotes_does_not_count() -> None:
    sample = 'name,code,total\n"Школа; филиал; корпус 2",1,3\n"a;b;c;d",2,4\n'
    assert sniff_separator(sample) == ","


def test_known_headers_beat_title_lines_full_of_commas() -> None:
    sample = (
        "Отчёт, 2024, край\n"
        "Составлен: 01.09, Иванов, отдел\n"
        "ИНН;Наименование;МО\n"
        "1;Школа, филиал, корпус;b\n"
        "2;Школа, филиал, корпус;c\n"
    )
    assert sniff_separator(sample) == ","  # by consistency alone: 4 of 5 lines have 3 comma fields
    assert sniff_separator(sample, ColumnMap(Kind.SCHOOLS).best_header_matches) == ";"


def test_single_column_falls_back_to_default() -> None:
    assert sniff_separator("only\n1\n2\n", default="\t") == "\t"


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1251", ";"), ("cp1251", "\t"), ("utf-16", "\t"), ("utf-8", "|")],
)
def test_loader_reads_every_dialect_the_same(tmp_path: Path, encoding: str, separator: str) -> None:
    write(tmp_path / "schools.csv", REGISTRY.replace(",", separator), encoding)
    dataset = load(tmp_path)
    loaded = file_load(dataset, "schools.csv")
    assert (loaded.encoding, loaded.separator, loaded.rows, loaded.loaded) == (encoding, separator, 2, 2)
    assert sorted(dataset.schools.collect()["name"]) == ["Школа 1", "Школа 2"]


def test_fingerprint_fields(tmp_path: Path) -> None:
    import hashlib

    path = write_registry(tmp_path)
    loaded = file_load(load(tmp_path, file_hashes=True), "schools.csv")
    assert loaded.size_bytes == path.stat().st_size
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # the hash costs a pass over the bytes: only the commands that show it ask for it
    unhashed = file_load(load(tmp_path), "schools.csv")
    assert (unhashed.size_bytes, unhashed.sha256) == (loaded.size_bytes, "")


@pytest.mark.parametrize("digest", [True, False])
def test_utf8_check_across_ascii_chunks(tmp_path: Path, digest: bool) -> None:
    """The ASCII short cut must not skip a character split across chunks, nor cp1251 bytes after ASCII."""
    from adoption_cli.sources import dialect

    split = b"a" * (dialect.CHUNK_BYTES - 1) + "ж".encode() + b"b" * dialect.CHUNK_BYTES + b"\n"
    (tmp_path / "split.csv").write_bytes(split)
    assert inspect_text(tmp_path / "split.csv", "split.csv", digest=digest).encoding == "utf-8"
    late = b"a,b\n" * (dialect.CHUNK_BYTES // 2) + "ж,ы\n".encode("cp1251")
    (tmp_path / "late.csv").write_bytes(late)
    found = inspect_text(tmp_path / "late.csv", "late.csv", digest=digest)
    assert found.encoding == "cp1251"
    assert found.fingerprint.sha256 == (hashlib.sha256(late).hexdigest() if digest else "")


def test_a_copy_that_cannot_be_written_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (or a file size limit) while transcoding was «непредвиденная ошибка OSError … сообщите
    разработчикам» (independent check): it is the user's disk, and the message says what to do."""
    import errno
    import io

    class FullDisk(io.BytesIO):
        name = str(tmp_path / "copy.csv")

        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dialect.tempfile, "NamedTemporaryFile", lambda *args, **kwargs: FullDisk())
    path = write(tmp_path / "schools.csv", TEXT, "cp1251")
    with pytest.raises(DataError, match=r"^schools\.csv: не удалось записать копию файла в UTF-8 .*TMPDIR"):
        utf8_source(path, inspect_text(path, "schools.csv"), "schools.csv")


def test_a_scratch_folder_that_cannot_be_made_is_the_same_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dialect, "_scratch", None)
    monkeypatch.setattr(dialect.tempfile, "mkdtemp", full_disk)
    path = write(tmp_path / "schools.csv", TEXT, "cp1251")
    with pytest.raises(
        DataError, match=r"^schools\.csv: не удалось записать копию файла в UTF-8 в .*на диске нет места"
    ):
        utf8_source(path, inspect_text(path, "schools.csv"), "schools.csv")


def test_a_files_head_as_text_in_each_encoding() -> None:
    from adoption_cli.sources.dialect import head_text

    text = "ИНН;Роль\nu1;учитель\n"
    for encoded in (
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
        text.encode("cp1251"),
        text.encode("utf-16"),  # (with its BOM)
        text.encode("utf-16-le"),  # (without one)
    ):
        assert head_text(encoded) == text
    assert head_text(text.encode("utf-8")[:-12]) == text.encode("utf-8")[:-12].decode("utf-8", "ignore")
