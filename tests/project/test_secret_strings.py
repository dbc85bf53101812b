from collections import Counter

from pengaduan.secret_strings import random_string


def test_a_random_string_has_the_length_and_only_symbols_of_its_alphabet():
    for _ in range(200):
        value = random_string(15, "23456789ABC")
        assert len(value) == 15 and set(value) <= set("23456789ABC")


def test_every_symbol_is_as_likely_at_every_position():
    draws = [random_string(4, "ABC") for _ in range(6000)]
    for position in range(4):
        counts = Counter(draw[position] for draw in draws)
        # 2,000 expected each; 1,800-2,200 is more than six standard deviations wide.
        assert set(counts) == set("ABC") and all(1800 < n < 2200 for n in counts.values()), counts


def test_two_draws_differ():
    assert len({random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(1000)}) == 1000
