"""Valid inputs for each step of the Madiun SOP, and a helper that walks a complaint forward."""

from pengaduan.complaints.engine import coordination_answer, coordination_request, step_complete

STEP_DATA = {
    2: {
        "notes": "Pengadu dihubungi; kejadian dan nama petugas dikonfirmasi.",
        "complaint_type": "pengaduan",
        "category": "Pungutan liar",
        "report": "Aduan jelas dan lengkap, layak ditindaklanjuti.",
    },
    # "examination" orders an Irban's examination first (tests/complaints/test_examinations.py); a plain walk
    # through the five steps decides the answer directly.
    3: {
        "analysis": "Ada indikasi pungutan liar oleh petugas kelurahan.",
        "decision_type": "answer",
        "reasoning": "Perlu pemeriksaan oleh Irban wilayah.",
        "order": "Sampaikan bahwa aduan ditindaklanjuti dengan pemeriksaan.",
    },
    4: {"letter_number": "700/123/401.105/2026", "answer": "Aduan Saudara ditindaklanjuti dengan pemeriksaan."},
    5: {"method": "in_person", "recipient": "Siti Aminah", "documentation": "Diserahkan langsung di ruang pengaduan."},
}

PERFORMER = {1: "jfu", 2: "sekretaris", 3: "inspektur", 4: "sekretaris", 5: "jfu"}


def advance(complaint, staff, *, to_step: int, now=None):
    """Complete the steps before `to_step` (step 1 must already be done or done here by the JFU)."""
    for number in range(2, to_step):
        step_complete(complaint=complaint, actor=staff[PERFORMER[number]], step_number=number,
                      data=STEP_DATA[number], now=now)
    complaint.refresh_from_db()
    return complaint
