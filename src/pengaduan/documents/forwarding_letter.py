"""The forwarding letter (surat pelimpahan) that hands a complaint over to a body outside this install, laid
out as the answer letter is (complaints/letters.py): letterhead, Nomor / Sifat / Lampiran / Hal, the addressee,
what is forwarded and why, and the signature block of the unit's head.

The complainant's identity is named only when the complaint is neither anonymous nor confidential: a letter
leaves the Pemda, and the rahasia flag must travel with the case, not be undone by it.
"""

from io import BytesIO

from django.utils.translation import override, pgettext
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Spacer,
)

from pengaduan.complaints.letters import (
    CONTENT_WIDTH,
    LETTER_LANGUAGE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MARGIN_TOP_LATER,
    NO_NUMBER,
    _body,
    _draw_page_number,
    _signature,
    _styles,
)
from pengaduan.complaints.models import Forward
from pengaduan.typesetting import (
    VerificationStamp,
    city_of,
    format_date_id,
    letterhead,
    plain_paragraph,
    verification_block,
)


def forwarding_subject(forward: Forward) -> str:
    complaint = forward.origin
    return pgettext("forwarding letter", "Forwarding of complaint number %(number)s") % {
        "number": complaint.register_number or complaint.tracking_code}


def _text(forward: Forward) -> str:
    complaint = forward.origin
    paragraphs = [
        pgettext("forwarding letter",
                 "We hereby forward a public complaint that we received on %(date)s and recorded in our complaint "
                 "register under number %(number)s, concerning: %(summary)s.") % {
            "date": format_date_id(complaint.received_at), "number": complaint.register_number,
            "summary": complaint.summary},
        pgettext("forwarding letter",
                 "Having examined it, we find that the matter falls within the authority of %(body)s.")
        % {"body": forward.outside_body},
        pgettext("forwarding letter", "What the complainant reports: %(description)s")
        % {"description": complaint.description.strip()},
    ]
    if complaint.is_anonymous or complaint.complainant is None:
        paragraphs.append(pgettext("forwarding letter", "The complainant did not give their identity."))
    elif complaint.is_confidential:
        paragraphs.append(pgettext("forwarding letter",
                                   "The complainant asked for their identity to be kept confidential; it is known to "
                                   "us and is not given in this letter."))
    else:
        person = complaint.complainant
        contact = ", ".join(part for part in (person.address, person.phone, person.email) if part)
        paragraphs.append(pgettext("forwarding letter", "The complainant: %(name)s%(contact)s.") % {
            "name": person.name, "contact": f" ({contact})" if contact else ""})
    paragraphs += [
        pgettext("forwarding letter",
                 "We kindly ask that the complaint be followed up within your authority and that the result be "
                 "sent to the complainant and to us, quoting our register number %(number)s.")
        % {"number": complaint.register_number},
        pgettext("forwarding letter", "Thank you for your attention and cooperation."),
    ]
    return "\n\n".join(paragraphs)


def forwarding_letter_pdf(forward: Forward, *, compress: bool = True,
                          stamp: VerificationStamp | None = None) -> bytes:
    """The surat pelimpahan of one forward to an outside body, as PDF bytes, dated the day of the forward."""
    if not forward.is_outside:
        raise ValueError(f"Forward {forward.pk} goes to a unit of this install; it needs no letter.")
    complaint = forward.origin
    unit = complaint.unit
    with override(LETTER_LANGUAGE):
        st = _styles()
        date_text = format_date_id(forward.forwarded_at)
        if city := city_of(unit):
            date_text = f"{city}, {date_text}"
        reference = [
            (pgettext("answer letter", "Number"), NO_NUMBER),
            (pgettext("answer letter", "Nature"), pgettext("answer letter", "Ordinary")),
            (pgettext("answer letter", "Enclosure"), pgettext("forwarding letter", "1 (one) file")),
            (pgettext("answer letter", "Subject"), forwarding_subject(forward)),
        ]
        to = [pgettext("forwarding letter", "To %(body)s") % {"body": forward.outside_body}]
        if forward.outside_address:
            to.append(forward.outside_address)
        to.append(pgettext("answer letter", "at your address"))
        story: list[Flowable] = [
            NextPageTemplate("later"),
            *letterhead(unit, width=CONTENT_WIDTH),
            plain_paragraph(date_text, st["date"]),
            Spacer(0, 8),
            *[plain_paragraph(f"{label}\u00a0: {value}", st["base"]) for label, value in reference],
            Spacer(0, 14),
            *[plain_paragraph(line, st["base"]) for line in to],
            Spacer(0, 14),
        ]
        body = _body(_text(forward), st)
        story += body[:-1]
        story.append(KeepTogether([*body[-1:], Spacer(0, 10), _signature(complaint, st)]))
        if stamp is not None:
            story += [Spacer(0, 12), verification_block(stamp, width=CONTENT_WIDTH)]
        buffer = BytesIO()
        doc = BaseDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, title=forwarding_subject(forward), author=unit.name, subject=forwarding_subject(forward),
            creator="pengaduan", invariant=1, pageCompression=1 if compress else 0,
        )
        frame = {"x1": MARGIN_LEFT, "width": CONTENT_WIDTH, "leftPadding": 0, "rightPadding": 0,
                 "topPadding": 0, "bottomPadding": 0}
        doc.addPageTemplates([
            PageTemplate("first", [Frame(y1=MARGIN_BOTTOM, height=A4[1] - MARGIN_TOP - MARGIN_BOTTOM, **frame)]),
            PageTemplate("later", [Frame(y1=MARGIN_BOTTOM, height=A4[1] - MARGIN_TOP_LATER - MARGIN_BOTTOM, **frame)],
                         onPage=_draw_page_number),
        ])
        doc.build(story)
    return buffer.getvalue()


__all__ = ["forwarding_letter_pdf", "forwarding_subject"]
