"""Text similarity between complaints, so the JFU sees possible duplicates while recording a new one.

Pure functions, no ORM: the same code runs whatever the database is, and it can be tested without one. The
database's full-text index (complaints.search) finds the candidates among every complaint; this module scores
the few it finds.

Complaints arrive in everyday Indonesian, often typed on a phone: mixed case, abbreviations, typos, and
the same root word in many affixed forms ("membayar", "dibayar", "pembayaran"). So a text becomes:

1. tokens: lower-cased words, without stop words, digit-only tokens and money amounts;
2. stems: a light, dictionary-free Indonesian stemmer maps affixed forms to one stem;
3. character trigrams of the stems, which still match when a word is misspelt ("Manguharjo"/"Mangunharjo").

Two texts are compared by the cosine similarity of their stem sets and the Jaccard similarity of their
trigram sets; complaints are compared field by field, the summary and the subject weighing most.
"""

import math
import re
import sys
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache

# Common Indonesian function words, SMS spellings of them, complaint boilerplate and polite forms, and a
# few English ones (some complainants mix). They occur in almost every complaint, so they say nothing
# about which case a complaint is about. Matched before stemming, on the word as written.
STOP_WORDS = frozenset(
    """
    yang dan di ke dari untuk dengan pada ini itu tidak ada saya kami kita sudah belum akan atau juga
    karena oleh dalam sebagai bahwa agar para pak bu bapak ibu mohon tolong sangat sekali lagi hal tersebut
    adalah telah masih bisa dapat hari tanggal
    aku anda dia ia mereka kamu beliau kalian nya
    se sang si pun lah kah dong sih deh kok ya yah nah
    apa siapa mana kapan bagaimana mengapa kenapa berapa dimana kemana darimana
    jika kalau bila apabila ketika saat sejak sampai hingga setelah sebelum sesudah selama sambil
    tetapi tapi namun melainkan sedangkan padahal walaupun meskipun serta maupun lalu kemudian
    tak bukan jangan belum pernah sedang lagi baru hanya cuma saja pula jadi maka sehingga supaya
    bagi tentang terhadap antara kepada daripada sekitar seperti secara menurut
    banyak sedikit semua setiap tiap beberapa lain lainnya sama begitu begini demikian sini situ sana
    harus perlu ingin mau boleh mungkin sering selalu sekarang nanti kemarin tadi besok
    ok oke terima kasih makasih trims tks thx yth hormat dengan
    yg dgn utk krn tdk gak ga nggak ngga enggak gk tsb sdh udah blm dr kpd dlm jg aja sy kmi pd bs dpt
    aduan pengaduan mengadu mengadukan diadukan keluhan mengeluh mengeluhkan dikeluhkan
    the a an and or of to in on at for with is are was were be been it this that by from not no as
    please dear sir madam
    rp rupiah ribu juta
    """.split()
)

# Abbreviations that mean a content word, expanded so that "Jl." matches "Jalan" and "pungli" matches
# "pungutan liar". Kept short on purpose: only forms that cannot mean anything else in a complaint.
ABBREVIATIONS = {
    "jl": ("jalan",),
    "jln": ("jalan",),
    "gg": ("gang",),
    "kel": ("kelurahan",),
    "kec": ("kecamatan",),
    "kab": ("kabupaten",),
    "pungli": ("pungutan", "liar"),
}

_WORD = re.compile(r"[^\W_]+")
_MONEY = re.compile(r"rp\d+")
_ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})

# Scoring looks at no more than this many characters per field: long letters and copied chat logs would
# otherwise dominate both the time it takes and the trigram sets, while the first paragraph already says
# what a complaint is about.
MAX_FIELD_CHARS = 1500

# The weight of each field in `score`. The summary and the subject name what the complaint is about and
# who it is about, so they weigh most; the place is often empty or vague. The description is long and
# worded freely: it counts through "all", the words of all fields together, which also catches a
# complaint that says in its description what another one says in its summary. Scoring the description
# on its own as well would cost one more comparison of long texts per candidate.
FIELD_WEIGHTS = {"summary": 3.0, "subject": 2.0, "event_place": 1.0, "all": 2.0}
FIELDS = ("summary", "subject", "description", "event_place")

# Token overlap says more than shared trigrams, which unrelated texts of one language share by chance.
TOKEN_WEIGHT = 0.6
TRIGRAM_WEIGHT = 0.4

_MIN_STEM = 4  # the stemmer strips an affix only when at least this many letters remain
# Roots that end in "nya" themselves: "bertanya" is ber-tanya, not bertan-nya.
_NYA_ROOTS = ("tanya", "punya", "hanya", "nyanya")


def normalise(text: str) -> list[str]:
    """The stemmed content words of a text, in order, repeats kept.

    Digit-only tokens and money amounts are dropped: dates, amounts, telephone and house numbers differ
    between two reports of the same case and coincide between unrelated ones. Tokens mixing letters and
    digits (a licence plate, "rt05") stay, as written.
    """
    text = (text or "")[:MAX_FIELD_CHARS]
    if text.isascii():
        # Most complaints are plain ASCII: translate-and-split is several times faster than the regex,
        # which matters when a few thousand candidates are normalised for one suggestion list.
        words = text.lower().translate(_ASCII_SEPARATORS).split()
    else:
        # NFKC folds full-width and compatibility characters.
        words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return [token for word in words for token in _word_tokens(word)]


def search_terms(text: str) -> list[str]:
    """The words a full-text index should look for: each content word as written (lower-cased, as the index's
    tokenizer folds it) and, where the light stemmer shortens it, its stem as a prefix (marked with a trailing
    "*"), so that "pembayaran" also finds "bayaran". Stop words, digits and money amounts are left out, as in
    `normalise`; the order is the text's, without repeats."""
    text = (text or "")[:MAX_FIELD_CHARS]
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    terms: dict[str, None] = {}
    for word in words:
        if not _word_tokens(word):
            continue
        terms[word] = None
        for expanded in ABBREVIATIONS.get(word, (word,)):
            terms[expanded] = None
            root = stem(expanded)
            if root != expanded and len(root) >= _MIN_STEM:
                terms[root + "*"] = None
    return list(terms)


@lru_cache(maxsize=65536)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The tokens one written word becomes (none, one, or an abbreviation's several). Cached, since
    scoring a few thousand candidates meets the same words over and over."""
    if len(word) < 2 or word.isdigit() or _MONEY.fullmatch(word) or word in STOP_WORDS:
        return ()
    return tuple(sys.intern(stem(expanded)) for expanded in ABBREVIATIONS.get(word, (word,)))


def _alpha(word: str) -> bool:
    return word.isalpha() and word.isascii()


def _prefix_family(word: str) -> str:
    for prefix in ("me", "di", "ter", "ber", "be", "pe", "ke"):
        if word.startswith(prefix):
            return prefix
    return ""


def _strip_suffix(word: str, family: str) -> tuple[str, bool]:
    """One derivational suffix (-kan, -an, -i), honouring which prefixes it can go with.

    Without a dictionary the stemmer cannot check that a stem exists, so it relies on the affix pairs
    Indonesian forbids: pe-/ke-...-kan and me-/di-/ter-...-an do not occur, hence "kerusakan" is
    ke-rusak-an (not ke-rusa-kan) and "dimakan" keeps its -an. -i is only stripped after a verbal
    prefix, because many nouns end in i ("bukti", "polisi", "pegawai").
    Returns the word and whether -an was stripped (the ke-...-an confix needs it).
    """
    def cut(n: int) -> str | None:
        return word[:-n] if len(word) - n >= _MIN_STEM else None

    if word.endswith("kan"):
        stripped = cut(2) if family in ("pe", "ke") else cut(3)
        return (stripped, family in ("pe", "ke")) if stripped else (word, False)
    if word.endswith("an") and family not in ("me", "di", "ter"):
        stripped = cut(2)
        return (stripped, True) if stripped else (word, False)
    if word.endswith("i") and (family in ("me", "di", "ter") or word.startswith("per")):
        stripped = cut(1)
        return (stripped, False) if stripped else (word, False)
    return word, False


_VOWELS = "aeiou"


def _strip_prefix(word: str, *, first: bool, confix_an: bool) -> str | None:
    """One prefix off, with the sound changes of me-/pe- undone where that is unambiguous.

    meN-/peN- before a vowel hide the root's first letter (memukul ← pukul, but meminta ← minta), so
    the me- and pe- forms are mapped to the same stem ("memeriksa" and "pemeriksaan" → "meriksa")
    rather than guessed; only meny-/peny- is clearly s- ("penyakit" → "sakit"). Returns None when no
    prefix applies or the stem would be too short.
    """
    def keep(rest: str) -> str | None:
        return rest if len(rest) >= _MIN_STEM else None

    for nasal in ("me", "pe"):
        if nasal == "me" and not first:
            continue
        if word.startswith(nasal + "ny") and word[4:5] in _VOWELS and word[4:5]:
            return keep("s" + word[4:])
        if word.startswith(nasal + "ng") and word[4:5] and (word[4] in _VOWELS or word[4] in "ghk"):
            return keep(word[4:])
        if word.startswith(nasal + "n") and word[3:4]:
            if word[3] in "cdjtsz":
                return keep(word[3:])
            if word[3] in _VOWELS:
                return keep(word[2:])
        if word.startswith(nasal + "m") and word[3:4]:
            if word[3] in "bpfv":
                return keep(word[3:])
            if word[3] in _VOWELS:
                return keep(word[2:])
        if nasal == "pe" and word.startswith("per") and word[3:4]:
            # per- before a consonant ("perbaikan"); pe- on an r-root before a vowel ("perawatan").
            return keep(word[3:] if word[3] not in _VOWELS else word[2:])
        if word.startswith(nasal) and word[2:3] and word[2] not in _VOWELS:
            return keep(word[2:])
    if word.startswith("ber") and word[3:4]:
        return keep(word[3:])
    if word.startswith("beker"):  # bekerja: be- before -er- roots
        return keep(word[2:])
    if word.startswith("ter") and word[3:4]:
        return keep(word[3:])
    if first and word.startswith("di"):
        return keep(word[2:])
    if first and confix_an and word.startswith("ke"):
        return keep(word[2:])
    return None


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, conservative Indonesian stemmer (after Nazief-Adriani, without its dictionary).

    Strips -lah/-kah, -nya, one of -kan/-an/-i, then up to two prefixes (me-, di-, ter-, ber-, pe-,
    per-, and ke- together with -an), each only when at least four letters remain. It aims at
    consistency (the forms of one root meet at one stem), not at linguistically correct roots:
    "pembayaran", "dibayar" and "membayar" → "bayar"; "pelayanan" and "melayani" → "layan".
    Cached: a unit's complaints use a few thousand distinct words.
    """
    if not _alpha(word) or len(word) <= _MIN_STEM:
        return word
    # Five letters, not four, must remain after a particle: "sekolah" and "masalah" end in -lah too.
    if word.endswith(("lah", "kah")) and len(word) - 3 > _MIN_STEM:
        word = word[:-3]
    if word.endswith("nya") and len(word) - 3 >= _MIN_STEM and not word.endswith(_NYA_ROOTS):
        word = word[:-3]
    word, confix_an = _strip_suffix(word, _prefix_family(word))
    for first in (True, False):
        stripped = _strip_prefix(word, first=first, confix_an=confix_an)
        if stripped is None:
            break
        word = stripped
    return word


@lru_cache(maxsize=65536)
def _token_trigrams(token: str) -> frozenset[str]:
    padded = f"  {token} "
    return frozenset(sys.intern(padded[i : i + 3]) for i in range(len(padded) - 2))


def trigrams(tokens: Iterable[str]) -> frozenset[str]:
    """Character trigrams of each token, padded like PostgreSQL's pg_trgm (two spaces before, one after),
    so that a typo costs only the few trigrams around it. Cached per token, not per text: the
    vocabulary of a unit is small, its texts are many."""
    return frozenset().union(*map(_token_trigrams, tokens))


class Features:
    """What scoring needs of one text, computed once: its set of stems and its set of trigrams."""

    __slots__ = ("stems", "grams")

    def __init__(self, tokens: Iterable[str]):
        self.stems = frozenset(tokens)
        self.grams = trigrams(self.stems)

    def __bool__(self) -> bool:
        return bool(self.stems)


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine of the two sets as binary vectors (the Ochiai coefficient): unlike Jaccard it does not
    punish a short summary for being compared with a long one."""
    return len(a & b) / math.sqrt(len(a) * len(b))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 0.0


def _feature_similarity(a: Features, b: Features) -> float:
    if not a or not b:
        return 0.0
    # min(): float rounding makes identical texts 0.9999999999999999 or 1.0000000000000002.
    return min(1.0, TOKEN_WEIGHT * _cosine(a.stems, b.stems) + TRIGRAM_WEIGHT * _jaccard(a.grams, b.grams))


def similarity(a_tokens: list[str], b_tokens: list[str]) -> float:
    """How alike two normalised texts are, in [0, 1]: 1 for the same words, 0 for nothing in common.

    The cosine of the stem sets rewards the same words regardless of order and of length differences;
    the trigram Jaccard adds credit for words that are nearly the same (typos, stems the light stemmer
    did not unify). Empty texts are similar to nothing.
    """
    return _feature_similarity(Features(a_tokens), Features(b_tokens))


_EMPTY = Features({})


def complaint_features(complaint: dict, fields: tuple[str, ...] = tuple(FIELD_WEIGHTS)) -> dict[str, Features]:
    """The features of each field of a complaint (a dict with summary, description, subject, event_place),
    and of all of them together under "all".

    `similar_complaints` computes them once for the new complaint, then for each candidate only the
    fields the new complaint has: an empty field is not scored anyway, and this is the costly part.
    """
    needed = FIELDS if "all" in fields else fields
    tokens = {field: normalise(complaint.get(field) or "") for field in FIELDS if field in needed}
    result = {field: Features(tokens[field]) if field in fields else _EMPTY for field in FIELDS}
    result["all"] = Features([t for field in FIELDS for t in tokens[field]]) if "all" in fields else _EMPTY
    return result


# The features of the candidates scored last, per process. A complaint page is shown more than once (a reload,
# a form sent back with an error, the next visit), and complaints about one matter meet the same candidates;
# normalising a candidate's texts is most of what scoring it costs. Keyed by the complaint, the fields scored and
# a hash of its texts, so a changed text is computed anew. 256 candidates (five suggestion lists) take about 4 MB
# when every one has long texts of words of its own (tests/complaints/test_similarity.py measures it).
CANDIDATE_CACHE_SIZE = 256
_candidates: OrderedDict[tuple, dict[str, Features]] = OrderedDict()
_candidates_lock = threading.Lock()


def candidate_features(pk: int, complaint: dict, fields: tuple[str, ...]) -> dict[str, Features]:
    """complaint_features(complaint, fields) of the stored complaint `pk`, from the cache when its texts are the
    ones computed before."""
    key = (pk, fields, hash(tuple(complaint.values())))
    with _candidates_lock:
        features = _candidates.get(key)
        if features is not None:
            _candidates.move_to_end(key)
            return features
    features = complaint_features(complaint, fields)
    with _candidates_lock:
        _candidates[key] = features
        if len(_candidates) > CANDIDATE_CACHE_SIZE:
            _candidates.popitem(last=False)
    return features


def score_features(new: dict[str, Features], candidate: dict[str, Features]) -> float:
    """`score` on features computed beforehand."""
    total = weight_sum = 0.0
    for field, weight in FIELD_WEIGHTS.items():
        a, b = new[field], candidate[field]
        if a and b:
            total += weight * _feature_similarity(a, b)
            weight_sum += weight
    return min(1.0, total / weight_sum) if weight_sum else 0.0


def score(new: dict, candidate: dict) -> float:
    """How likely `candidate` is about the same case as `new`, in [0, 1].

    A weighted mean of the similarities of the summary, the subject, the place and of all fields together
    (which is where the description counts; see FIELD_WEIGHTS). A field empty on either side is left out
    rather than counted as a mismatch: a complaint without a place of event is not less similar for it.
    """
    return score_features(complaint_features(new), complaint_features(candidate))
