"""Name handling for the build: scripts, cleaning, casing, qualifiers, match keys.

The gazetteer keeps only Latin and Cyrillic names (:data:`gazetteer._schema.SCRIPTS`).
Script detection follows the Unicode character names: a name is ``Latn`` when all
its letters are Latin, ``Cyrl`` when all are Cyrillic; anything else (other
scripts, or Latin and Cyrillic mixed) is dropped.

Examples
--------
>>> script_of("Khatlon"), script_of("Хатлон"), script_of("Khatlon Хатлон"), script_of("خجند")
('Latn', 'Cyrl', None, None)
>>> title_case("GULF OF ADEN"), title_case("RUB’ AL KHALI")
('Gulf of Aden', 'Rub’ al Khali')
>>> expand_abbreviations("Caucasus Mts."), expand_abbreviations("Pen. de Osa")
('Caucasus Mountains', 'Península de Osa')
>>> strip_qualifiers("Gorno-Badakhshan Autonomous Region"), strip_qualifiers("Nohiyai Darvoz")
('Gorno-Badakhshan', 'Darvoz')
>>> match_key("Kharkivs’ka Oblast’") == match_key("Kharkiv Oblast")
True
>>> slugify("Côte d'Ivoire")
'cote-divoire'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "clean", "script_of", "repair", "split_canonical", "is_good_alternate", "title_case", "expand_abbreviations",
    "strip_qualifiers", "qualifier_variants", "tajik_variants", "fold", "match_key", "match_keys",
    "skeleton", "slugify",
]

_SPACE = re.compile(r"\s+")


def clean(name: str | None) -> str:
    """NFC-normalise, turn control characters into spaces and collapse whitespace.

    >>> clean("  Zanda  Jan\\n")
    'Zanda Jan'
    """
    if not name:
        return ""
    name = unicodedata.normalize("NFC", str(name))
    return _SPACE.sub(" ", name).strip()


# -- scripts ----------------------------------------------------------------------

def _char_class(ch: str) -> str:
    """``L`` Latin letter, ``C`` Cyrillic letter, ``N`` neutral, ``X`` letter of another script."""
    cat = unicodedata.category(ch)
    if cat[0] == "M":  # combining marks inherit the script of their base letter
        return "N"
    if cat[0] != "L":
        return "N"
    if 0x02B0 <= ord(ch) <= 0x02FF:  # spacing modifier letters: ʻ ʼ ʹ used as apostrophes
        return "N"
    uname = unicodedata.name(ch, "")
    if uname.startswith("LATIN") or uname.startswith("MODIFIER LETTER SMALL"):
        return "L"
    if uname.startswith("CYRILLIC"):
        return "C"
    return "X"


class _ClassTable(dict):
    """``str.translate`` table mapping each character to its class letter (``N`` to nothing)."""

    def __missing__(self, code: int) -> str:
        cls = _char_class(chr(code))
        value = "" if cls == "N" else cls
        self[code] = value
        return value


_CLASSES = _ClassTable()


def script_of(name: str) -> str | None:
    """``"Latn"``, ``"Cyrl"`` or ``None`` (no letters, another script, or mixed scripts)."""
    classes = set(name.translate(_CLASSES))
    if classes == {"L"}:
        return "Latn"
    if classes == {"C"}:
        return "Cyrl"
    return None


_CYR_TO_LAT = str.maketrans("аеорсхуіјѕАВЕКМНОРСТХУІЈЅ", "aeopcxyijsABEKMHOPCTXYIJS")
_LAT_TO_CYR = str.maketrans("aeopcxyABEKMHOPCTXY", "аеорсхуАВЕКМНОРСТХУ")


def repair(name: str) -> str:
    """Fix names a source spoiled with look-alike characters; others are returned unchanged.

    Full-width letters are normalised (NFKC) and a few Cyrillic letters inside a
    Latin name (or the reverse) are replaced by their Latin (Cyrillic) twins.

    >>> repair("Rаmitan") == "Ramitan", repair("Ｚuichangxian")
    (True, 'Zuichangxian')
    """
    if script_of(name) is not None:
        return name
    fixed = unicodedata.normalize("NFKC", name)
    if script_of(fixed) is not None:
        return fixed
    classes = fixed.translate(_CLASSES)
    if set(classes) == {"L", "C"}:
        latin = classes.count("L") >= classes.count("C")
        candidate = fixed.translate(_CYR_TO_LAT if latin else _LAT_TO_CYR)
        if script_of(candidate) is not None:
            return candidate
    return name


def split_canonical(name: str) -> tuple[str, list[str]]:
    """Split a canonical name that lists forms in several scripts (``"Ryasno, Рясно, Расна"``).

    Returns the first part in Latin or Cyrillic script as the name and the other
    parts as alternates; names already in one script come back unchanged.

    >>> split_canonical("Kalimpong, Крукети")
    ('Kalimpong', ['Крукети'])
    """
    name = repair(name)
    if script_of(name) is not None or "," not in name:
        return name, []
    parts = [p.strip() for p in name.split(",") if p.strip()]
    good = [p for p in parts if script_of(p) is not None]
    if not good:
        return name, []
    return good[0], good[1:]


_URL = re.compile(r"(?i)(://|www\.|\.(com|org|net|html?)\b|duplicate|please delete)")
_CODE = re.compile(r"[A-Z]{2,4}")


def is_good_alternate(name: str, canonical: str = "") -> bool:
    """Whether an alternate name from a source is worth keeping.

    Drops 1-character names, names without letters (codes, digits), URLs and
    editors' notes ("duplicate, please delete"),
    all-capital 2-4 letter codes (IATA/ICAO or postal codes in alternate names)
    unless the code is the place's own name, and names without any capital
    letter (GeoNames' machine transliterations such as ``dwshnbh``).

    >>> [is_good_alternate(n, "Dushanbe") for n in ("DYU", "dwshnbh", "Stalinabad", "7", "Душанбе")]
    [False, False, True, False, True]
    """
    if len(name) < 2 or name == canonical:
        return len(name) >= 2
    if _URL.search(name):
        return False
    if not any(ch.isalpha() for ch in name):
        return False
    if _CODE.fullmatch(name):
        return False
    if not any(ch.isupper() for ch in name):
        return False
    return True


# -- casing and abbreviations -------------------------------------------------------

_SMALL_WORDS = frozenset(
    "of the and de del la le les el al as ad an ar at da do dos das di du des y e en et "
    "van von der den on upon in au aux".split()
)


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def title_case(name: str) -> str:
    """Title-case an ALL-CAPS name, keeping small words lower-case; mixed-case names are returned as is."""
    if any(ch.islower() for ch in name):
        return name
    words = name.lower().split(" ")
    out = []
    for i, word in enumerate(words):
        if i > 0 and word in _SMALL_WORDS:
            out.append(word)
        else:
            out.append("-".join(_cap(part) for part in word.split("-")))
    return " ".join(out)


#: Abbreviations of Natural Earth labels, expanded where they end a name.
_TRAILING = {
    "mts.": "Mountains", "mts": "Mountains", "mtn.": "Mountain", "ra.": "Range",
    "plat.": "Plateau", "pen.": "Peninsula", "is.": "Islands", "i.": "Island",
    "arch.": "Archipelago", "val.": "Valley", "des.": "Desert", "str.": "Strait",
    "sd.": "Sound", "ter.": "Territory",
}
#: Abbreviations that start a (Spanish, Portuguese or French) name.
_LEADING = {
    "pen.": "Península", "pén.": "Péninsule", "cord.": "Cordillera", "plat.": "Plateau",
    "is.": "Islas",
}


def expand_abbreviations(name: str) -> str:
    """Expand Natural Earth's label abbreviations (``Mts.``, ``Pen.``, ``Plat.``...)."""
    name = re.sub(r"\s+\.", ".", name)  # "Kopet Dag Mts ." -> "Kopet Dag Mts."
    words = name.split(" ")
    if len(words) > 1 and words[0].lower() in _LEADING:
        words[0] = _LEADING[words[0].lower()]
    for i in range(1, len(words)):
        low = words[i].lower()
        if low in _TRAILING and (i == len(words) - 1 or low in ("mts.", "ra.", "pen.", "plat.", "is.")):
            words[i] = _TRAILING[low]
    return " ".join(words)


# -- qualifiers ---------------------------------------------------------------------

_SUFFIXES = [
    r"autonomous (?:region|republic|province|oblast|okrug|district|prefecture|county|community|city)",
    r"autonomous soviet socialist republic", r"assr", r"ssr",
    r"special administrative region", r"capital (?:district|territory|region|city)",
    r"federal district", r"national capital district", r"metropolitan (?:city|municipality|area)",
    r"province", r"region", r"oblast['’]?", r"viloyati", r"viloyat", r"governorate", r"district",
    r"prefecture", r"state", r"krai", r"kray", r"rayon", r"rayoni", r"raion", r"raioni", r"county",
    r"municipality", r"department", r"marz", r"mkhare", r"ili", r"velayat", r"welayaty", r"oblysy",
    r"oblys", r"territory", r"city", r"shahri", r"sahar", r"shahrestan", r"wilayah", r"wilaya", r"emirate",
    r"canton", r"voivodeship", r"parish", r"division", r"tumani", r"tuman", r"nohiya", r"shrjan",
    r"область", r"край", r"район", r"автономная область", r"автономный округ", r"вилояти", r"шаҳри",
]
_PREFIXES = [
    r"nohiyai", r"viloyati", r"provincia de(?:l)?", r"province of", r"region of", r"republic of",
    r"muhafazat", r"ostan-e", r"city of", r"district of", r"districts of", r"departamento de(?:l)?",
    r"estado de", r"wilayat", r"вилояти", r"республика", r"город", r"ноҳияи",
]
_SUFFIX_RE = re.compile(r"(?i)[\s-]+(?:" + "|".join(_SUFFIXES) + r")$")
_PREFIX_RE = re.compile(r"(?i)^(?:" + "|".join(_PREFIXES) + r")\s+")


def strip_qualifiers(name: str) -> str:
    """Remove generic qualifiers (Province, Oblast, District, Nohiyai...) while a name remains.

    Returns the name unchanged when stripping would leave fewer than two letters.
    """
    current = name
    while True:
        stripped = _SUFFIX_RE.sub("", current)
        stripped = _PREFIX_RE.sub("", stripped).strip(" ,-")
        if stripped == current or sum(ch.isalpha() for ch in stripped) < 2:
            return current
        current = stripped


_RU_ADJECTIVE = re.compile(r"^(?P<base>[^\W\d_][\w-]{2,}?)(?:skiy|skij|skyy|skyi|sky)$")
#: Soviet-era district adjectives whose base is not a place name ("Sovetskiy Rayon").
_NOT_PLACE_BASES = frozenset({"sovet", "oktyabr", "tsentral", "lenin", "kirov", "frunze", "kalinin",
                              "ordzhonikidze", "kuybyshev", "krasnogvardei", "pervomai", "proletar"})


def qualifier_variants(name: str) -> list[str]:
    """Shorter forms of an admin name: qualifiers stripped, Russian adjective reduced to its base.

    >>> qualifier_variants("Khatlon Province"), qualifier_variants("Darvozskiy Rayon")
    (['Khatlon'], ['Darvozskiy', 'Darvoz'])
    >>> qualifier_variants("Sovetskiy Rayon")
    ['Sovetskiy']
    """
    out = []
    stripped = strip_qualifiers(name)
    if stripped != name:
        out.append(stripped)
    m = _RU_ADJECTIVE.match(stripped)
    if m and " " not in stripped and fold(m.group("base")) not in _NOT_PLACE_BASES \
            and not m.group("base").endswith(("'", "’")):
        out.append(m.group("base"))
    return out


def tajik_variants(name: str) -> list[str]:
    """Russian-style spelling of a Tajik Latin name: ``o`` -> ``a`` (Darvoz -> Darvaz).

    Tajik ``о`` renders the vowel that Russian (and most English reporting) writes
    ``а``: Konibodom/Kanibadam, Murghob/Murghab, Hisor/Hisar. Used for Tajik
    division names only.

    >>> tajik_variants("Darvoz District"), tajik_variants("Rasht")
    (['Darvaz District'], [])
    """
    if script_of(name) != "Latn" or "o" not in name:
        return []
    return [name.replace("o", "a")]


# -- match keys ---------------------------------------------------------------------

_FOLD = str.maketrans({
    "ı": "i", "ə": "a", "Ə": "a", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "đ": "d",
    "Đ": "d", "æ": "ae", "Æ": "ae", "œ": "oe", "þ": "th", "ŋ": "ng", "ħ": "h", "ǧ": "g",
    "’": "", "'": "", "ʻ": "", "ʼ": "", "`": "", "´": "", "‘": "", "ʹ": "", "ʿ": "", "ʾ": "",
})
_NON_ALNUM = re.compile(r"[^0-9a-z\u0400-\u04ff]+")
_ADJECTIVE_END = re.compile(r"(?:s['’]?kaya|s['’]?kiy|s['’]?kyy|s['’]?kyi|s['’]?kij|s['’]?ky|s['’]?ka|s['’]?ke|ская|скии|скои|ська|ськии)$")


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """Lower-case, strip diacritics and punctuation: a form for comparing names.

    >>> fold("Şərur-Ordubad")
    'sarur ordubad'
    """
    text = name.translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


#: Compass adjectives as the noun sources also use ("Northern Darfur" in GeoNames is NE's "North Darfur").
_COMPASS = {"northern": "north", "southern": "south", "eastern": "east", "western": "west"}


def match_key(name: str) -> str:
    """Folded name without qualifiers nor Slavic adjective endings (``Kharkivs'ka Oblast'`` -> ``kharkiv``).

    >>> match_key("Northern Darfur") == match_key("North Darfur State")
    True
    """
    key = fold(strip_qualifiers(clean(name)))
    words = [_COMPASS.get(w, w) for w in key.split(" ")]
    if words and len(words[-1]) > 5:
        words[-1] = _ADJECTIVE_END.sub("", words[-1])
    return " ".join(w for w in words if w)


def match_keys(names) -> set[str]:
    """The match keys of several names (empty keys dropped)."""
    keys = set()
    for name in names:
        if name:
            for key in (fold(clean(name)), match_key(name)):
                if key:
                    keys.add(key)
    return keys


_SKELETON_MAP = [("kh", "h"), ("zh", "j"), ("dzh", "j"), ("dz", "j"), ("dj", "j"), ("sh", "s"),
                 ("ch", "c"), ("gh", "g"), ("q", "k"), ("x", "h"), ("w", "v"), ("y", "i")]


def skeleton(key: str) -> str:
    """Consonant skeleton of a match key, to pair transliteration variants (Darvaz ~ Darvoz).

    >>> skeleton(match_key("Darvaz")) == skeleton(match_key("Darvoz District"))
    True
    """
    text = key.replace(" ", "")
    for a, b in _SKELETON_MAP:
        text = text.replace(a, b)
    text = re.sub(r"[aeiouh]", "", text)
    return re.sub(r"(.)\1+", r"\1", text)


def slugify(name: str) -> str:
    """ASCII slug for ids: lower-case words joined by ``-``."""
    text = unicodedata.normalize("NFKD", name.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
