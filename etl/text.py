"""Text normalization: the one place that decides when two labels or names are "the same"."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def nfc(text: str) -> str:
    """Unicode NFC with runs of white space folded to one space and the ends stripped."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics; đ/Đ, which Unicode does not decompose, become d/D."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def label_key(text: str) -> str:
    """Key for matching sheet names and header labels: no case, diacritics, spacing or punctuation."""
    return _NOT_ALNUM.sub("", strip_diacritics(nfc(text)).casefold())


def name_key(text: str) -> str:
    """Key for comparing people's names: NFC, case-folded, single spaces (diacritics kept)."""
    return nfc(text).casefold()


def address_key(text: str) -> str:
    """Key for comparing addresses across years: words without case, diacritics or punctuation."""
    return " ".join(_NOT_ALNUM.sub(" ", strip_diacritics(nfc(text)).casefold()).split())
