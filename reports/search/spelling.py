"""
Spelling keys: one key for the spellings of a name, so that a search finds it however its source
transliterated it (Nasrallah, Nasrullah, Nasr Allah; Qassem, Kassem, Qasim; Houthi, Huthi, al-Houthi).

`reports.search.names.normalize_name` folds what carries no meaning (case, diacritics, ayn and hamza
marks, the article, Arabic-script letter variants); the key folds what the published conventions
write differently for the same Arabic, Persian, Urdu or Pashto letter. A folded word is keyed unless
it is an English word (english_words.txt: SCOWL's lists, less NOT_ENGLISH), a number, or shorter
than three letters: English words keep their Snowball stems, since the folds below would make
"bat" find "bit", "with" find "wit", "west" find "vest" and "lazy" find "lady". The engine stores
and compares a keyed word by its key alone, not by a stem (Snowball makes Hamas "hama", as Hama, and
Hamed "ham"), in documents and queries alike.

The rules, and the tables they come from: ALA-LC (Library of Congress romanization of Arabic and
Persian), IJMES (International Journal of Middle East Studies), DIN 31635 (German standard),
BGN/PCGN Persian (1958), and press usage: English (Mohammed, Hezbollah, -eh), French (ch, dj, ou,
kh, é, mute -e, el-/ech-) and German (sch, dsch).

- DIN 31635's letters ṯ ǧ ḫ ḏ š ġ (and Persian č ž, Turkish ş) become ALA-LC's and IJMES's digraphs
  th j kh dh sh gh before the other marks go (normalize_name): Šīʿa meets Shia, and ت/ث, ح/خ stay
  apart.
- The article (normalize_name): al-/el- and the assimilated ad-/an-/ar-/as-/ash-/at-/az- (ALA-LC
  and IJMES write al-, DIN 31635 and the press assimilate it: ar-Rašīd, ash-Sharq), French ech-/
  ed-/en-/er-/es-/et-/ez-, Urdu -ul-/-ud-/-ut-, and al/el as a word of its own; here also joined to
  the word (Almasirah, Aljazeera, ElBaradei) when the rest starts with a consonant other than l and
  has four letters or more.
- Compounds are split as they are written apart: X-allah/-ullah/-ollah (Nasrallah, Nasr Allah;
  Hezbollah, Hizb Allah; Abdullah, Ansarullah), X-eddine/-uddin/-ud-Din (Sharafeddine, Sharaf
  al-Din; Ezzedeen, Izz ad-Din) and Abd-/Abdul-/Abdel- + name (Abdulmalik, Abd al-Malik).
- Consonants: q, k, ck and hard c are k (the tables' q, the press's k: Qassem, Kassem; French c
  before e, i is s: Kacem); d, dh and z are one (ذ ض ظ: dh, ḍ, ẓ in the tables, z in Persian, Urdu
  and Egyptian usage, d or dh in Iraqi: Kadhim, Kazem, Kazim; Ridha, Rida, Reza); j, dj (French),
  dsch (German), zh and g are j (Egyptian g for ج: Gamal, Jamal); sh, ch (French), sch (German) are
  sh; kh and x are kh; v is w (Persian v for و: Javad, Jawad); ph is f; doubled consonants are
  single (the tables double for shadda, the press does as it likes: Hassan, Hasan; French ss for a
  voiceless s: Moussa).
- Vowels: the Arabic tables' a, i, u stay three. e is i and o is u (BGN/PCGN Persian writes
  kasra e and damma o: Hossein, Mohsen, Mortaza; the French and English press do too: Adel, Khaled,
  Hezbollah, Omar, Mostafa, Mohandes), but e is a before h + consonant and before a consonantal y,
  where Persian and Persian-influenced spellings write Arabic fatha so (Mehdi, Seyed; Tehran for
  Tahran); ou, oo are u (French ou, English oo); aa, ee, ii and a vowel doubled by a lost ayn are
  one vowel (Saad, Sa'd; Saeed's ee); ai, ay, ei, ey, ae are the ay diphthong (Husayn, Hussein,
  Hossein; Haidar, Heydar; Saeed) and au, aw, ow, ao go with u (aw is ō in speech, o or ou in the
  press: Dawla, Dowleh; Dawud, Daoud; Yawm, Youm); i before a vowel is y (Ziad, Ziyad; Mariam,
  Maryam), u before a vowel w (Suad, Souad; Suwaidi, Sweidi).
- Endings: ta marbuta as ALA-LC's -ah, IJMES's and DIN's -a and -at in construct (Qiyamah, Qiyama;
  Harakat, Haraka) and the Levantine and Persian -eh after two consonants or y (Hamzeh,
  Mughniyeh); -eh after one consonant is a final ح after kasra (Saleh as Salih, not Salah); French
  mute -e after n (Amine, Yassine, Abderrahmane); an English plural -s after i, e, y or a
  consonant (Houthis, Iraqis, Kurds; Mohandes as Muhandis), not after a, o, u (Hamas, Abbas, Yunus).
- CANONICAL: a few frequent names whose press spellings write e for fatha or for u (Levantine,
  Egyptian, Turkish usage): Mohammed, Ahmed, Haider, Youssef, Younes, Djamel; and English g for
  ghayn in Gaza and Baghdad.
- Arabic script (normalize_name): alef forms to alef, hamza to its seat, ta marbuta to ha, alef
  maqsura and the Persian, Urdu and Pashto yehs to ya, keheh to kaf, no tatweel, harakat or lone
  hamza; the key drops the article ال (after و ب ف ك too, and لل) when three letters remain.

Not folded, on purpose (each would join names that every table keeps apart): th and t (Thamer,
Tamer), kh and h (Hayat, Khayyat; Homs, Khums), gh and q (Gharib, Qarib: so Persian Ghasem does
not meet Qasem), s and z (German Hisbollah: Said and Zaid), German ch for kh (it is sh in French:
Cheikh, Chiite), German j for y (j is ج in English). English words stay English: Said, Raid.

A key is written with one letter a sound: c for sh, v for th, x for kh, g for gh, j, d for d/dh/z,
k for q/k, w for w/v; vowels a, i, u and e (the ay diphthong); "allah" for the name of God. It is
stored after KEY_MARK, so that no key is mistaken for an English stem.
"""
import functools
import pathlib
import re

KEY_MARK = "~"

# English words of the lists (english_words.txt) that the desk's sources use as transliterations.
NOT_ENGLISH = {
    "allah", "koran", "quran", "islam", "moslem", "muslim", "sheikh", "shaykh", "shaikh", "imam", "amir",
    "ayatollah", "mullah", "jihad", "jehad", "jihadist", "sharia", "shariah", "madrasa", "madrassa",
    "burqa", "burka", "jinn", "djinn", "vizier", "mufti", "sultan", "hims",
    # Names more often than English words in the desk's sources.
    "fares", "basil", "nadir", "din", "sad",
}
NOT_ENGLISH |= {word + "s" for word in NOT_ENGLISH}

LATIN_WORD = re.compile(r"[a-z]+")
ARABIC_WORD = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]+")
VOWEL = re.compile(r"[aeiouy]")

# Whole words (after folding) that the general rules would not bring together: frequent names
# whose press spellings use e for fatha (Levantine, Egyptian, Turkish) or for u.
CANONICAL = [
    (re.compile(r"m(?:o|u|ou)h(?:a|e)m{1,2}(?:a|e)d"), "muhammad"),
    (re.compile(r"ahm(?:a|e)d"), "ahmad"),
    (re.compile(r"h(?:ai|ay|ei|ey)d(?:a|e)r"), "haydar"),
    (re.compile(r"y(?:o|u|ou)s{1,2}(?:e|i|u|ou|o)f"), "yusuf"),
    (re.compile(r"y(?:o|u|ou)n(?:e|i|u|ou|o)s"), "yunus"),
    (re.compile(r"(?:dj|j|g)am(?:e|a)l"), "jamal"),
    (re.compile(r"abd(?:ul|el|al|ol|oul|il)"), "abd"),
    (re.compile(r"(?:a|u|o)llah"), "allah"),
    # English g for ghayn in the most frequent place names (g is otherwise the Egyptian j).
    (re.compile(r"gh?az{1,2}(?:a|ah|eh)"), "ghazza"),
    (re.compile(r"bagh?dad"), "baghdad"),
]
ALLAH = "allah"

# The article joined to the word: Almasirah, Aljazeera, ElBaradei (not Allawi, Alawi, Elham).
JOINED_ARTICLE = re.compile(r"^(?:al|el)(?=[b-df-hj-km-np-tv-z][a-z]{3,}$)")
# X-allah, X-ullah, X-ollah joined: Nasrallah, Hizbullah, Hezbollah, Abdullah, Ansarullah.
ALLAH_COMPOUND = re.compile(r"^([a-z]{3,}?)(?:a|u|o|ou|e|i)llah?$")
# X-eddine, X-uddin, X-addin, X-edeen joined: Sharafeddine, Salahuddin, Ezzedeen (not Mujahidin).
DIN_COMPOUND = re.compile(r"^([a-z]{3,}?)(?:e|u|ou|a|o)dd(?:i|ee|ii|e|ie)ne?$")
# ... and with one d after a doubled consonant: Ezzedeen, Izzedine (not Mujahedin).
DIN_AFTER_DOUBLE = re.compile(r"^([a-z]*([b-df-hj-np-tv-z])\2)ed(?:i|ee|ii|e|ie)ne?$")
# Abd + name joined: Abdulmalik, Abdelkarim, Abdurrahman, Abderrahmane.
ABD_COMPOUND = re.compile(r"^abd(?:ul|el|al|ol|oul|il|u|e|a|ou|o|i)?([a-z]{3,})$")

# Consonant letters and digraphs, longest first, to the key's letters.
CONSONANTS = [
    ("dsch", "j"), ("tsch", "c"), ("sch", "c"), ("dzh", "j"), ("zh", "j"), ("dj", "j"),
    ("sh", "c"), ("ch", "c"), ("kh", "x"), ("gh", "g"), ("th", "v"), ("dh", "d"), ("ph", "f"), ("ck", "k"),
    ("q", "k"), ("k", "k"), ("g", "j"), ("z", "d"), ("v", "w"), ("x", "x"), ("j", "j"),
    ("b", "b"), ("d", "d"), ("f", "f"), ("h", "h"), ("l", "l"), ("m", "m"), ("n", "n"), ("p", "p"),
    ("r", "r"), ("s", "s"), ("t", "t"), ("w", "w"), ("y", "y"),
]
CONSONANT = re.compile("|".join(re.escape(spelling) for spelling, _ in CONSONANTS) + "|c")
CONSONANT_KEY = dict(CONSONANTS)
VOWEL_CLASS = {"a": "a", "e": "i", "i": "i", "o": "u", "u": "u"}


@functools.cache
def english_words():
    path = pathlib.Path(__file__).with_name("english_words.txt")
    words = {line for line in path.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")}
    return frozenset(words - NOT_ENGLISH)


def is_english(word):
    return word in english_words()


@functools.lru_cache(maxsize=200_000)
def spelling_keys(word):
    """
    The keys of a folded word (`normalize_name` output), each with KEY_MARK; () for a word that is
    not keyed (an English word, a number, a word of one or two letters or with no vowel). One key,
    or one for each part of a compound written as one word ('nasrallah' -> '~nasr', '~allah').
    """
    if ARABIC_WORD.fullmatch(word):
        return (KEY_MARK + arabic_key(word),)
    if len(word) < 3 or not LATIN_WORD.fullmatch(word) or not VOWEL.search(word) or is_english(word):
        return ()
    return tuple(KEY_MARK + latin_key(part) for part in parts(word))


def canonical(word):
    for pattern, name in CANONICAL:
        if pattern.fullmatch(word):
            return name
    return word


def parts(word):
    """The words a compound is written as apart: 'nasrallah' -> ['nasr', 'allah']; a plural's singular."""
    word = canonical(word)
    if word in (ALLAH, "abd", "yunus"):
        return [word]
    word = canonical(singular(word))
    word = JOINED_ARTICLE.sub("", word)
    for pattern in (ALLAH_COMPOUND, DIN_COMPOUND, DIN_AFTER_DOUBLE):
        match = pattern.fullmatch(word)
        if match:
            return [*parts(match[1]), ALLAH if pattern is ALLAH_COMPOUND else "din"]
    match = ABD_COMPOUND.fullmatch(word)
    if match:
        return ["abd", *parts(match[1])]
    return [word]


def singular(word):
    """
    Without an English plural's -s: after i, e, y or a consonant (Houthis, Mohandes as Muhandis,
    Kurds), not after a, o, u or s (Hamas, Abbas, Yunus); -is and -es alike end in i.
    """
    if len(word) < 4 or word[-1] != "s" or word[-2] in "aous":
        return word
    if word[-3:-1] in ("ee", "ii", "ie") or word[-2] not in "ie":
        return word[:-1]
    return word[:-2] + "i"


def ending(word):
    """Word endings written differently for the same letters: ta marbuta, a final h after e, French mute e."""
    if re.search(r"[aeiou]ne$", word):  # French mute e: Amine, Yassine, Abderrahmane
        return word[:-1]
    if word.endswith("ah"):  # ALA-LC's ta marbuta: Qiyamah, Muqawamah
        return word[:-1]
    if re.search(r"[^aeiou]a+t$", word):  # ta marbuta in construct: Harakat, Jabhat, Hay'at
        return word[:-1]
    if word.endswith(("ee", "ie")):  # a long i: Anee(s), Rubaie
        return word[:-1]
    if word.endswith("zadeh"):  # Persian -zadeh (a final silent h): Akhundzadeh, Akhundzada
        return word[:-2] + "a"
    match = re.search(r"(.)(.)eh?$", word)
    if match:
        before, last = match.groups()
        if last in "iy" or last == before or before not in "aeiou":
            # After i or y (Mughniyeh, Dahieh) or two consonants (Hamzeh, Fatmeh): ta marbuta.
            return re.sub(r"eh?$", "a", word)
        # After one consonant: a final h (ح) after kasra (Saleh, Fateh: Salih, Fatih).
        return re.sub(r"eh?$", "ih" if word.endswith("h") else "i", word)
    return word


def latin_key(word):
    """The key of one word of Latin letters (see the module's docstring)."""
    if word == ALLAH:
        return ALLAH
    word = ending(word)
    # Persian e for fatha: before h + consonant (Mehdi, Tehran) and before a consonantal y (Seyed).
    word = re.sub(r"e(?=h[^aeiouy])", "a", word)
    word = re.sub(r"(?<=.)e(?=y+[aeiou])", "a", word)
    # Letters to units: consonants by CONSONANTS (c before e, i, y is s); vowels, y and w as they are.
    units = []
    position = 0
    while position < len(word):
        letter = word[position]
        if letter in VOWEL_CLASS:
            units.append(letter)
            position += 1
            continue
        spelling = CONSONANT.match(word, position).group()
        if spelling == "c":
            key = "s" if word[position + 1 : position + 2] in ("e", "i", "y") else "k"
        else:
            key = CONSONANT_KEY[spelling]
        if not units or units[-1] != key:  # doubled consonants are one (shadda; French ss)
            units.append(key)
        position += len(spelling)
    return vowels(units)


def vowels(units):
    """Consonant keys and vowel letters to the key: y and w, glides, diphthongs, vowel classes."""
    count = len(units)

    def vowel_letter(index):
        return 0 <= index < count and units[index] in VOWEL_CLASS

    # y and w before a vowel are consonants; elsewhere vowels (closing a diphthong: ay, aw).
    vocalic = [
        unit in VOWEL_CLASS or (unit in ("y", "w") and not vowel_letter(index + 1))
        for index, unit in enumerate(units)
    ]
    for index in range(1, count - 1):
        # w between a and u belongs to the diphthong: Dawud and Dawood as Daud and Daoud.
        if units[index] == "w" and units[index - 1] == "a" and units[index + 1] in ("u", "o"):
            vocalic[index] = True
    # i or e before a consonantal y, u or o before a consonantal w, is the glide's own: Ziyad as
    # Ziad (zyad), Suwaidi as Sweidi, Uwais as Ouais.
    keep = [True] * count
    for index in range(count - 1):
        following = units[index + 1]
        if not vocalic[index + 1] and (
            (following == "y" and units[index] in ("i", "e")) or (following == "w" and units[index] in ("u", "o"))
        ):
            keep[index] = False
    key = []
    index = 0
    while index < count:
        if not keep[index]:
            index += 1
            continue
        if not vocalic[index]:
            key.append(units[index])
            index += 1
            continue
        end = index
        while end < count and vocalic[end] and keep[end]:
            end += 1
        key.extend(vowel_run("".join(units[index:end])))
        index = end
    return "".join(key)


def vowel_run(run):
    """
    The key of a run of vowels (y and w in it are vowels): a (a, aa), i (e, i, ee), u (o, u, ou, oo,
    and the aw diphthong: au, aw, ow), e (the ay diphthong: ai, ay, ei, ey, ae), and a y or w glide
    before another vowel.
    """
    if not run:
        return []
    first = run[0]
    if first == "a":
        rest = run.lstrip("a")
        if not rest:
            return ["a"]
        return ["e"] if rest[0] in "eiy" else ["u"]
    if first == "e" or first == "i" or first == "y":
        rest = run.lstrip("eiy")
        if first == "e" and rest == "" and len(run) > 1 and run[1] in "iy":
            return ["e"]  # ei, ey: Hussein, Heydar
        if not rest:
            return ["i"]
        return ["y", *vowel_run(rest)]  # ia, io, iu: Ziad, Mariam
    # o, u, w
    if run.startswith("ow"):
        return ["u"]  # Persian ow for aw: Dowleh, Nowruz
    rest = run.lstrip("ouw")
    if not rest:
        return ["u"]
    if rest[0] == "a" or (run.startswith("ou") and rest[0] in "ei" and len(run) - len(rest) == 2):
        return ["w", *vowel_run(rest)]  # ua, oua, French oui: Suad, Souad, Louay
    return ["u", "i"]  # ui, oi, oe: Moin, Moein, Mueen


# -- Arabic script -----------------------------------------------------------------------------

# The article, alone or after wa-, bi-, fa-, ka-, and li- + al- (lil-), when three letters remain.
ARABIC_ARTICLE = re.compile(r"^(?:[\u0648\u0628\u0641\u0643]?\u0627\u0644|\u0644\u0644)(?=.{3,}$)")


def arabic_key(word):
    """An Arabic-script word (normalised by normalize_name) without its article: الحوثي -> حوثي."""
    return ARABIC_ARTICLE.sub("", word)
