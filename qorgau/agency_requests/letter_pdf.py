"""An outgoing letter as a PDF in Kazakh or Russian, made with fpdf2 and the DejaVu font (Kazakh
letters included)."""

from __future__ import annotations

from django.conf import settings
from fpdf import FPDF

from qorgau.agency_requests.models import Letter
from qorgau.core.kztime import KZ_TZ

WORDING = {
    "kk": {
        "centre": "«111» байланыс орталығы",
        "outgoing": "Шығыс хат №",
        "to": "Кімге",
        "subject": "Тақырыбы",
        "appeal": "Өтініш",
        "regards": "Құрметпен,",
        "consultant": "Консультант",
    },
    "ru": {
        "centre": "Контакт-центр «111»",
        "outgoing": "Исходящее письмо №",
        "to": "Кому",
        "subject": "Тема",
        "appeal": "Обращение",
        "regards": "С уважением,",
        "consultant": "Консультант",
    },
}


def letter_pdf(letter: Letter) -> bytes:
    """The outgoing letter as a PDF in its language."""
    words = WORDING[letter.language]
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.add_font("DejaVu", fname=settings.QORGAU_PDF_FONT)
    pdf.set_font("DejaVu", size=14)
    pdf.cell(0, 10, words["centre"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=11)
    date = letter.at.astimezone(KZ_TZ).strftime("%d.%m.%Y")
    lines = [
        f"{words['outgoing']} 111-{letter.pk:06d}, {date}",
        f"{words['to']}: {getattr(letter.agency, f'name_{letter.language}')}",
        f"{words['appeal']}: {letter.appeal.number}",
        f"{words['subject']}: {letter.subject}",
        "",
    ]
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, letter.body, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.multi_cell(
        0,
        7,
        f"{words['regards']}\n{words['centre']}\n"
        f"{words['consultant']}: {letter.by.get_full_name() or letter.by.username}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
