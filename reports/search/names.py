"""
Folding of names as the desk's sources spell them.

Arabic and Persian names reach us in many transliterations: 'Adel Al-Kar'awi, Adil al-Karawi,
Kar`awi. One function folds the differences that carry no meaning (case, diacritics, apostrophes
and the ayn/hamza marks, the article al-/el-/ad-/ash-…, and the spelling variants of Arabic script)
so that every surface compares names the same way. Spellings that differ in their letters
(Hizbullah / Hezbollah) meet in search through `reports.search.spelling`, and are recorded as
aliases for lookups by name.
"""
import re
import unicodedata

# Apostrophes and the marks used for ayn and hamza: ' ’ ‘ ` ´ ʿ ʾ ʻ ʼ ′
NAME_MARKS = re.compile(r"['\u2019\u2018`\u00b4\u02bf\u02be\u02bb\u02bc\u2032]")
# The Arabic article, as written before a hyphen (al-, el-, ash-, …; French ech-, es-, …; Urdu -ul-,
# -ud-, -ut-) or as a word of its own (Al Akhbar).
ARTICLE = re.compile(
    r"\b(?:(?:al|el|ad|adh|an|ar|as|ash|at|ath|az|ech|ed|en|er|es|et|ez|ul|ud|ut)-|(?:al|el)\s+(?=\w))"
)
NON_WORD = re.compile(r"[\W_]+")
# The English possessive, as in "Hezbollah's allies": not part of the name.
POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
# DIN 31635's (and Persian, Turkish) letters with a mark, as the digraphs of ALA-LC and IJMES, before
# the marks go: Ṯ Ǧ Ḫ Ḏ Š Ġ Č Ž Ş, decomposed (NFKD) into a letter and a combining mark.
DIGRAPHS = re.compile(r"([tTgGhHdDsScCzZ])(\u0331|\u030c|\u032e|\u0307|\u0327|\u0326)")
DIGRAPH_OF = {
    ("t", "\u0331"): "th", ("d", "\u0331"): "dh", ("g", "\u030c"): "j", ("h", "\u032e"): "kh",
    ("s", "\u030c"): "sh", ("g", "\u0307"): "gh", ("c", "\u030c"): "ch", ("z", "\u030c"): "zh",
    ("s", "\u0327"): "sh", ("s", "\u0326"): "sh",
}
# Arabic script: the letters written for one another (after NFKD has put hamza on its seat, أ إ آ
# ؤ ئ -> ا ا ا و ي, and the harakat are gone): alef wasla, ta marbuta, alef maqsura and the Persian,
# Urdu and Pashto yehs, keheh, the hehs; tatweel, lone hamza and the joiners go (the Persian
# zero-width non-joiner parts words as a space does: آیت‌الله, آیت الله); Arabic-Indic digits.
ARABIC_LETTERS = str.maketrans(
    {
        "\u0671": "\u0627", "\u0629": "\u0647", "\u0649": "\u064a", "\u06cc": "\u064a", "\u06d2": "\u064a",
        "\u06d0": "\u064a", "\u06cd": "\u064a", "\u06a9": "\u0643", "\u06c1": "\u0647", "\u06be": "\u0647",
        "\u06d5": "\u0647", "\u0640": None, "\u0621": None, "\u200c": " ", "\u200d": None,
        "\u200e": None, "\u200f": None,
        **{chr(0x0660 + n): str(n) for n in range(10)},
        **{chr(0x06F0 + n): str(n) for n in range(10)},
    }
)


def digraph(match):
    letter, mark = match.groups()
    spelled = DIGRAPH_OF.get((letter.lower(), mark))
    if spelled is None:
        return letter
    return spelled.capitalize() if letter.isupper() else spelled


def normalize_name(text):
    """Return `text` folded for comparison: 'Adel Al-Kar'awi' -> 'adel karawi'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = DIGRAPHS.sub(digraph, text)
    text = "".join(char for char in text if not unicodedata.combining(char)).translate(ARABIC_LETTERS)
    text = NAME_MARKS.sub("", POSSESSIVE.sub("", text)).casefold()
    text = ARTICLE.sub("", text)
    return NON_WORD.sub(" ", text).strip()
