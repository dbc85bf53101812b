"""Text similarity of complaints: normalisation, the light Indonesian stemmer, and scoring (no database)."""

import tracemalloc
from collections import OrderedDict

import pytest

from pengaduan.complaints import similarity as similarity_module
from pengaduan.complaints.similarity import (
    CANDIDATE_CACHE_SIZE, FIELD_WEIGHTS, MAX_FIELD_CHARS, candidate_features, complaint_features, normalise, score,
    score_features, similarity, stem, trigrams,
)

KTP = {
    "summary": "Pungutan liar pada pengurusan KTP",
    "description": "Petugas kelurahan meminta uang Rp50.000 untuk mempercepat KTP.",
    "subject": "Kelurahan Manguharjo",
    "event_place": "Kantor Kelurahan Manguharjo",
}
ROAD = {
    "summary": "Jalan rusak berlubang",
    "description": "Jalan di depan SDN 01 rusak parah dan belum diperbaiki sejak tiga bulan.",
    "subject": "Dinas Pekerjaan Umum dan Penataan Ruang",
    "event_place": "Jl. Pahlawan",
}


def test_it_lower_cases_and_drops_punctuation_stop_words_and_numbers():
    text = "Mohon, Pak: KTP saya BELUM selesai dicetak!!! 12-11-2026 (Rp 50.000)"
    assert normalise(text) == ["ktp", "selesai", "cetak"]


def test_it_keeps_tokens_that_mix_letters_and_digits():
    assert normalise("Mobil AE1234XY parkir di RT05") == ["mobil", "ae1234xy", "parkir", "rt05"]


def test_it_drops_money_amounts_written_without_a_space():
    assert normalise("diminta Rp50.000") == ["minta"]


def test_it_expands_unambiguous_abbreviations():
    assert normalise("Jl. Pahlawan, Kel. Taman") == normalise("Jalan Pahlawan, Kelurahan Taman")
    assert normalise("pungli") == normalise("pungutan liar")


def test_it_folds_full_width_and_accented_input_like_ascii():
    assert normalise("ＫＴＰ hilang") == normalise("KTP hilang")


def test_it_gives_nothing_for_empty_or_stop_word_only_text():
    assert normalise("") == []
    assert normalise(None) == []
    assert normalise("saya mohon tolong pak, terima kasih") == []


@pytest.mark.parametrize("words, root", [
    (["pembayaran", "dibayar", "membayar", "bayarnya"], "bayar"),
    (["pelayanan", "melayani"], "layan"),
    (["perbaikan", "diperbaiki", "memperbaiki"], "baik"),
    (["kerusakan", "merusak", "rusak"], "rusak"),
    (["laporan", "melaporkan", "dilaporkan", "pelaporan"], "lapor"),
    (["keterlambatan", "terlambat"], "lambat"),
    (["pengurusan", "mengurus", "diurus"], "urus"),
    (["pekerjaan", "bekerja"], "kerja"),
    (["petugas", "ditugaskan"], "tugas"),
    (["bertanya", "pertanyaan", "ditanyakan"], "tanya"),
    (["kelurahan", "lurah"], "lurah"),
])
def test_it_stems_the_affixed_forms_of_one_root_to_one_stem(words, root):
    assert {stem(word) for word in words} == {root}


def test_it_maps_me_and_pe_forms_of_an_ambiguous_nasal_root_together():
    # memeriksa ← periksa, but meminta ← minta: without a dictionary both keep the m.
    assert stem("pemeriksaan") == stem("memeriksa")
    assert stem("meminta") == stem("permintaan") == "minta"


@pytest.mark.parametrize("word", ["sekolah", "masalah", "bukti", "polisi", "kembali", "jalan", "taman", "ikan"])
def test_it_leaves_roots_alone_that_only_look_affixed(word):
    assert stem(word) == word


def test_it_strips_nothing_that_would_leave_fewer_than_four_letters():
    assert stem("berita") == "berita"  # not ber-ita
    assert stem("dinas") == "dinas"  # not di-nas


def test_it_pads_trigrams_like_pg_trgm():
    assert trigrams(["ktp"]) == {"  k", " kt", "ktp", "tp "}


def test_it_scores_identical_texts_one_and_unrelated_texts_near_zero():
    tokens = normalise(KTP["summary"])
    assert similarity(tokens, tokens) == pytest.approx(1.0)
    assert similarity(tokens, normalise(ROAD["summary"])) < 0.1
    assert similarity(tokens, []) == 0.0


def test_it_ignores_case():
    assert similarity(normalise("KTP"), normalise("ktp")) == pytest.approx(1.0)
    assert similarity(normalise("Kelurahan Manguharjo"), normalise("kelurahan manguharjo")) == pytest.approx(1.0)


def test_it_still_finds_a_misspelt_name_similar():
    misspelt = similarity(normalise("Kelurahan Manguharjo"), normalise("Kelurahan Mangunharjo"))
    other = similarity(normalise("Kelurahan Manguharjo"), normalise("Kelurahan Pangongangan"))
    assert misspelt > 0.6 > other


def test_it_does_not_match_an_acronym_with_words_it_does_not_know():
    assert similarity(normalise("pungutan ktp"), normalise("pemungutan liar ktp")) > similarity(
        normalise("pungutan ktp"), normalise("uang pelicin ktp")
    )


def test_it_scores_a_complaint_against_itself_one():
    assert score(KTP, KTP) == pytest.approx(1.0)


def test_it_scores_a_reworded_complaint_about_the_same_case_high_and_an_unrelated_one_low():
    reworded = {
        "summary": "Petugas kelurahan minta uang saat urus KTP",
        "description": "Saya dimintai bayaran 50 ribu oleh petugas agar KTP cepat jadi.",
        "subject": "kelurahan manguharjo",
    }
    assert score(KTP, reworded) > 0.5
    assert score(KTP, ROAD) < 0.1


def test_it_weighs_the_summary_and_subject_above_the_place():
    same_summary_and_subject = {**ROAD, "summary": KTP["summary"], "subject": KTP["subject"]}
    same_place_and_description = {**KTP, "summary": ROAD["summary"], "subject": ROAD["subject"]}
    assert score(KTP, same_summary_and_subject) > score(KTP, same_place_and_description)


def test_it_does_not_count_a_field_empty_on_one_side_as_a_mismatch():
    without_place = {**KTP, "event_place": ""}
    elsewhere = {**KTP, "event_place": "Pasar Besar"}
    assert score(KTP, without_place) > 0.95 > score(KTP, elsewhere)


def test_it_scores_nothing_when_a_complaint_has_no_words():
    assert score({"summary": "!!!"}, KTP) == 0.0


def candidate(number: int) -> dict:
    """A stored complaint's texts as the suggestion list reads them: a long description, words of its own."""
    words = " ".join(f"kata{number}x{i} pelayanan kelurahan" for i in range(120))
    return {"summary": f"Pungutan liar KTP nomor{number}", "description": words[:MAX_FIELD_CHARS],
            "subject": "Kelurahan Manguharjo", "event_place": f"Jalan Pahlawan blok{number}"}


def test_a_candidates_features_are_computed_once_until_its_texts_change(monkeypatch):
    computed = []
    monkeypatch.setattr(similarity_module, "_candidates", OrderedDict())
    original = similarity_module.complaint_features
    monkeypatch.setattr(similarity_module, "complaint_features",
                        lambda complaint, fields: computed.append(complaint["summary"]) or original(complaint, fields))
    fields = ("summary", "subject", "all")
    first = candidate_features(7, candidate(1), fields)
    assert candidate_features(7, candidate(1), fields) is first and len(computed) == 1
    changed = {**candidate(1), "summary": "Jalan rusak"}
    assert candidate_features(7, changed, fields).keys() == first.keys() and len(computed) == 2
    assert candidate_features(7, candidate(1), ("summary",)) and len(computed) == 3  # other fields scored
    assert score_features(complaint_features(candidate(1)), candidate_features(7, candidate(1), fields)) \
        == score_features(complaint_features(candidate(1)), complaint_features(candidate(1), fields))


def test_the_candidate_cache_keeps_the_last_few_hundred_in_a_few_megabytes(monkeypatch):
    monkeypatch.setattr(similarity_module, "_candidates", OrderedDict())
    fields = tuple(FIELD_WEIGHTS)
    for number in range(CANDIDATE_CACHE_SIZE + 50):  # the trigram and stem caches warm, as in a running worker
        complaint_features(candidate(number), fields)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(CANDIDATE_CACHE_SIZE + 50):
            candidate_features(number, candidate(number), fields)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(similarity_module._candidates) == CANDIDATE_CACHE_SIZE
    assert next(iter(similarity_module._candidates))[0] == 50  # the oldest went first
    assert held < 5 * 1024 * 1024, held
