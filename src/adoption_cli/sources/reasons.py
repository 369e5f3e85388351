"""Reject reason codes: the machine key stored with every rejected row, with its Russian and English label.

Polars-free, so that renderers can label reasons without loading the data stack.
"""

from __future__ import annotations

from typing import Literal

MISSING_VALUE = "missing_value"
INVALID_INN = "invalid_inn"
BAD_CHECKSUM = "bad_checksum"
BAD_DATE = "bad_date"
FUTURE_DATE = "future_date"
BAD_NUMBER = "bad_number"
NEGATIVE_NUMBER = "negative_number"
FRACTIONAL_NUMBER = "fractional_number"
UNKNOWN_PLATFORM = "unknown_platform"
UNKNOWN_OWNERSHIP = "unknown_ownership"
UNKNOWN_STATUS = "unknown_status"
UNKNOWN_CONTENT_KIND = "unknown_content_kind"
RAGGED_ROW = "ragged_row"
UNCLOSED_QUOTE = "unclosed_quote"
ACTIVE_GT_REGISTERED = "active_gt_registered"
PLATFORM_MISMATCH = "platform_mismatch"
EXCEL_ERROR = "excel_error"
TOTALS_ROW = "totals_row"

REASONS: dict[str, tuple[str, str]] = {
    MISSING_VALUE: ("не заполнено обязательное значение", "required value is empty"),
    INVALID_INN: ("ИНН не из 10 цифр", "INN is not 10 digits"),
    BAD_CHECKSUM: ("неверная контрольная цифра ИНН", "INN check digit is wrong"),
    BAD_DATE: ("дата не распознана или не существует", "date not recognised or impossible"),
    FUTURE_DATE: ("дата в будущем", "date in the future"),
    BAD_NUMBER: ("не число", "not a number"),
    NEGATIVE_NUMBER: ("отрицательное число", "negative number"),
    FRACTIONAL_NUMBER: ("дробное число вместо целого", "fractional number where a whole number is expected"),
    UNKNOWN_PLATFORM: ("неизвестная платформа", "unknown platform"),
    UNKNOWN_OWNERSHIP: ("неизвестная форма собственности", "unknown ownership"),
    UNKNOWN_STATUS: ("неизвестный статус учётной записи", "unknown account status"),
    UNKNOWN_CONTENT_KIND: ("неизвестный вид контента", "unknown content kind"),
    RAGGED_ROW: ("в строке больше полей, чем в заголовке", "row has more fields than the header"),
    UNCLOSED_QUOTE: (
        "незакрытая кавычка: поле захватило следующие строки файла",
        "unclosed quote: a field swallowed the lines after it",
    ),
    ACTIVE_GT_REGISTERED: ("активных больше, чем зарегистрированных", "active exceeds registered"),
    PLATFORM_MISMATCH: (
        "платформа в строке не совпадает с платформой файла",
        "row platform differs from the file's platform",
    ),
    EXCEL_ERROR: (
        "ошибка Excel в ячейке (#N/A, #ДЕЛ/0! и т. п.)",
        "Excel error in the cell (#N/A, #DIV/0! and the like)",
    ),
    TOTALS_ROW: (
        "строка итогов («Итого», «Всего»), а не данные одной записи",
        "a totals row («Итого», «Всего»), not one record's data",
    ),
}


def reason_label(code: str, lang: Literal["ru", "en"] = "ru") -> str:
    """Human label of a reason code; an unknown code is shown as is."""
    labels = REASONS.get(code)
    if labels is None:
        return code
    return labels[0] if lang == "ru" else labels[1]
