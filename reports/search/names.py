"""
Folding of names as the desk's sources spell them.

Arabic and Persian names reach us in many transliterations: 'Adel Al-Kar'awi, Adil al-Karawi,
Kar`awi. One function folds the differences that carry no meaning (case, diacritics, apostrophes
and the ayn/hamza marks, the article al-/el-/ad-/ash-…) so that every surface compares names the
same way. Spellings that differ in their letters (Hizbullah / Hezbollah) are recorded as aliases.
"""
import re
import unicodedata

# Apostrophes and the marks used for ayn and hamza: ' ’ ‘ ` ´ ʿ ʾ ʻ ʼ ′
NAME_MARKS = re.compile(r"['\u2019\u2018`\u00b4\u02bf\u02be\u02bb\u02bc\u2032]")
# The Arabic article, as written before a hyphen (al-, el-, ash-, …) or as a word of its own (Al Akhbar).
ARTICLE = re.compile(r"\b(?:(?:al|el|ad|adh|an|ar|as|ash|at|ath|az)-|(?:al|el)\s+(?=\w))")
NON_WORD = re.compile(r"[\W_]+")
# The English possessive, as in "Hezbollah's allies": not part of the name.
POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")


def normalize_name(text):
    """Return `text` folded for comparison: 'Adel Al-Kar'awi' -> 'adel karawi'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = NAME_MARKS.sub("", POSSESSIVE.sub("", text)).casefold()
    text = ARTICLE.sub("", text)
    return NON_WORD.sub(" ", text).strip()
