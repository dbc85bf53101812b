"""SMS parts as a phone counts them: GSM-7 160/153, UCS-2 70/67, two-septet characters never split."""

from django.test import SimpleTestCase

from pengaduan.notifications.media import segments
from pengaduan.notifications.media.sms import MAX_PARTS, fit


class SegmentsTest(SimpleTestCase):
    def test_it_sends_160_gsm_characters_as_one_sms(self):
        self.assertEqual((segments.split("a" * 160).encoding, segments.count("a" * 160)), ("gsm7", 1))

    def test_it_sends_161_gsm_characters_as_two_parts_of_153(self):
        parts = segments.split("a" * 161).parts
        self.assertEqual([len(part) for part in parts], [153, 8])

    def test_it_counts_the_extension_table_as_two_septets(self):
        self.assertEqual(segments.count("€" * 80), 1)
        self.assertEqual(segments.count("€" * 81), 2)

    def test_it_never_splits_an_escaped_character_across_parts(self):
        parts = segments.split("a" * 152 + "€" + "a" * 10).parts
        self.assertEqual(parts[0], "a" * 152)
        self.assertTrue(parts[1].startswith("€"))

    def test_it_sends_the_whole_text_in_ucs2_for_one_character_outside_gsm7(self):
        text = "a" * 70
        self.assertEqual(segments.count(text + "a"), 1)
        self.assertEqual(segments.split(text).encoding, "gsm7")
        self.assertEqual((segments.split(text[:-1] + "“").encoding, segments.count(text[:-1] + "“")), ("ucs2", 1))
        self.assertEqual(segments.count(text + "“"), 2)
        self.assertEqual([len(part) for part in segments.split("“" * 135).parts], [67, 67, 1])

    def test_it_counts_an_emoji_as_two_ucs2_units_and_keeps_it_whole(self):
        self.assertEqual(segments.count("🙂" * 35), 1)
        self.assertEqual(segments.count("🙂" * 36), 2)
        self.assertTrue(all(len(part.encode("utf-16-le")) % 4 == 0 for part in segments.split("🙂" * 50).parts))

    def test_it_reads_indonesian_text_as_gsm7(self):
        self.assertTrue(segments.is_gsm7("Pengaduan Anda telah dicatat: 0042/PGD/INSP/2026. Terima kasih!"))

    def test_it_cuts_a_long_text_to_the_most_parts_an_sms_may_take(self):
        cut = fit("kata " * 400)
        self.assertEqual(segments.count(cut), MAX_PARTS)
        self.assertTrue(cut.endswith("..."))
        self.assertEqual(segments.split(cut).encoding, "gsm7")
