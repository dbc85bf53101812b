"""Reading one mail (no database, no server): what kind it is, who sent it, its text and its files."""

import pytest

from pengaduan.mailbox.parsing import MalformedMail, html_to_text, parse_mail, without_quote
from imap_mails import mail


def raw(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def test_it_reads_sender_subject_body_and_files():
    parsed = parse_mail(mail(subject="Jalan  rusak   di pasar", files=[("a.pdf", b"%PDF-1.4 x", "application", "pdf")])
                        .as_bytes())
    assert parsed.kind == "message"
    assert (parsed.sender_name, parsed.sender_address) == ("Budi Santoso", "budi@example.org")
    assert parsed.subject == "Jalan rusak di pasar"
    assert parsed.body == "Jalan di depan pasar berlubang sejak sebulan."
    assert [(f.name, f.content_type) for f in parsed.files] == [("a.pdf", "application/pdf")]


def test_it_prefers_the_plain_text_and_never_takes_the_html_twin_as_a_file():
    parsed = parse_mail(mail(body="Teks biasa.", html="<p>Teks <b>HTML</b></p>").as_bytes())
    assert parsed.body == "Teks biasa." and parsed.files == ()


def test_it_converts_html_to_text_without_scripts_styles_or_markup():
    text = html_to_text("<head><title>t</title><style>b{}</style></head><body><script>evil()</script>"
                        "<h1>Judul</h1><p>Satu&nbsp;&amp; dua</p><ul><li>a</li><li>b</li></ul>"
                        "<a href='javascript:alert(1)'>klik</a><br>akhir</body>")
    assert text == "Judul\n\nSatu & dua\n\n- a\n- b\nklik\nakhir"


def test_it_decodes_encoded_headers_and_charsets():
    parsed = parse_mail(raw("From: =?utf-8?q?Sri_Rahay=C3=BA?= <sri@example.org>\nSubject: =?utf-8?b?SmFsYW4gcnVzYWs=?=\n"
                            "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
                            "Caf=E9 tutup\n"))
    assert (parsed.sender_name, parsed.subject, parsed.body) == ("Sri Rahayú", "Jalan rusak", "Café tutup")


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-replied", "Auto-Submitted: auto-generated; x=y",
                                    "X-Autoreply: yes", "X-Autorespond: on", "Precedence: bulk", "Precedence: list",
                                    "Precedence: junk"])
def test_it_recognises_automatic_mail(header):
    parsed = parse_mail(raw(f"From: a@example.org\nSubject: Cuti\n{header}\n\nSaya sedang cuti.\n"))
    assert parsed.kind == "auto_reply" and parsed.auto_reason


def test_it_takes_auto_submitted_no_as_a_person():
    assert parse_mail(raw("From: a@example.org\nAuto-Submitted: no\nPrecedence: normal\n\nHalo\n")).kind == "message"


def test_it_reads_the_failed_recipient_and_the_original_message_id_of_a_delivery_report():
    parsed = parse_mail(raw("""From: MAILER-DAEMON@mx.example.net
Subject: failure
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

failed
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; Siti@Example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 no such user

Final-Recipient: rfc822; later@example.org
Action: delayed
Status: 4.4.1
--b
Content-Type: message/rfc822

From: us@example.org
Message-ID: <pengaduan.7.abc@example.org>
Subject: x

body
--b--
"""))
    assert parsed.kind == "bounce"
    report = parsed.bounce
    assert report.recipients == ("siti@example.org",) and report.delayed == ("later@example.org",)
    assert (report.status, report.diagnostic) == ("5.1.1", "smtp; 550 no such user")
    assert report.original_message_id == "<pengaduan.7.abc@example.org>"


def test_it_lists_in_reply_to_before_the_references_newest_first():
    parsed = parse_mail(raw("From: a@example.org\nIn-Reply-To: <c@x>\nReferences: <a@x> <b@x> <c@x>\n\nhi\n"))
    assert parsed.references == ("<c@x>", "<b@x>", "<a@x>")


@pytest.mark.parametrize("data, reason", [
    (b"", "empty message"),
    (b"\r\n\r\n", "empty message"),
    (b"Subject: nobody\r\n\r\nno sender\r\n", "no sender address (From)"),
    (b"From: not an address\r\n\r\nx\r\n", "no sender address (From)"),
])
def test_it_refuses_what_cannot_be_taken_in(data, reason):
    with pytest.raises(MalformedMail, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_mail(data)


def test_it_survives_binary_garbage():
    with pytest.raises(MalformedMail):
        parse_mail(bytes(range(256)) * 20)


@pytest.mark.parametrize("body, own", [
    ("Di depan pasar.\n\nOn Mon, 23 Nov 2026 at 09:05, Inspektorat\n<a@example.org> wrote:\n> Di mana?", "Di depan pasar."),
    ("Ya.\nPada 23 Nov 2026 09.05, Inspektorat menulis:\n> Di mana?", "Ya."),
    ("Terima kasih\n\n-----Original Message-----\nFrom: Inspektorat", "Terima kasih"),
    ("Jawaban 1\n> pertanyaan 1\nJawaban 2\n> pertanyaan 2", "Jawaban 1\n> pertanyaan 1\nJawaban 2"),
    ("> hanya kutipan", "> hanya kutipan"),
])
def test_it_keeps_a_replys_own_words_without_the_mail_it_quotes(body, own):
    assert without_quote(body) == own
