"""The statement of work, rendered from one description into a PDF (WeasyPrint, from an HTML template) and a DOCX
(python-docx) that say the same: the title, the parties, the term, the fee in words and figures, the benefits with
their legal-clause footnotes, the numbered clauses, signature blocks and page numbers.

Django rendered Markdown through pandoc and TeX, escaping user data with a filter; here nothing a sponsor typed is
ever parsed as markup: the HTML template autoescapes, python-docx writes text runs, and WeasyPrint fetches no URL
(a sponsor name like ``<img src=http://…>`` or ``\\input{/etc/passwd}`` is printed as it is).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from jinja2 import Environment, FileSystemLoader, select_autoescape
from num2words import num2words

from pydotorg.db.models import Contract, Sponsor, Sponsorship

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "sponsors" / "contract"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True)  # fmt: skip
BULLET = re.compile(r"^\s*[-*]\s+(?P<text>.*?)\s*(?P<notes>(\[\^\d+\])*)\s*$")
NOTE_MARK = re.compile(r"\[\^(\d+)\]")
CLAUSE = re.compile(r"^\[\^(?P<n>\d+)\]:\s*(?P<text>.*)$")
PSF = "Python Software Foundation"
#: Characters a PDF or DOCX cannot hold (XML 1.0 forbids most control characters).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None) -> str:
    return _CONTROL.sub("", text or "")


@dataclass(frozen=True)
class Benefit:
    text: str
    notes: list[int]


@dataclass(frozen=True)
class StatementOfWork:
    """Everything the documents print, as plain text."""

    title: str
    sponsor_name: str
    sponsor_info: str
    sponsor_contact: str
    level: str
    fee: int | None
    start: datetime.date | None
    end: datetime.date | None
    renewal: bool
    previous_effective: datetime.date | None
    benefits: list[Benefit] = field(default_factory=list)
    clauses: list[tuple[int, str]] = field(default_factory=list)
    revision: int = 0

    @property
    def fee_words(self) -> str:
        return num2words(self.fee).replace(",", "") if self.fee is not None else "zero"

    @property
    def fee_figures(self) -> str:
        return f"${self.fee:,}" if self.fee is not None else "$0"

    def when(self, day: datetime.date | None) -> str:
        return day.strftime("%B %-d, %Y") if day else "to be agreed"


def parse_benefits(markdown: str) -> list[Benefit]:
    """The contract's benefit bullets (``- Program - Benefit [^1][^2]``) as text and footnote numbers."""
    found = []
    for line in clean(markdown).splitlines():
        match = BULLET.match(line)
        if match:
            found.append(Benefit(match["text"], [int(n) for n in NOTE_MARK.findall(match["notes"] or "")]))
    return found


def parse_clauses(markdown: str) -> list[tuple[int, str]]:
    """The footnote definitions (``[^1]: text``), continuation lines joined."""
    clauses: list[tuple[int, str]] = []
    for line in clean(markdown).splitlines():
        match = CLAUSE.match(line.strip())
        if match:
            clauses.append((int(match["n"]), match["text"].strip()))
        elif clauses and line.strip():
            number, text = clauses[-1]
            clauses[-1] = (number, f"{text} {line.strip()}")
    return clauses


def statement_of_work(
    contract: Contract,
    sponsorship: Sponsorship,
    sponsor: Sponsor | None,
    level: str,
    previous_effective: datetime.date | None,
) -> StatementOfWork:
    renewal = bool(sponsorship.renewal)
    return StatementOfWork(
        title="Sponsorship Renewal Agreement" if renewal else "Sponsorship Agreement",
        sponsor_name=clean(sponsor.name if sponsor is not None else "the Sponsor"),
        sponsor_info=clean(contract.sponsor_info),
        sponsor_contact=clean(contract.sponsor_contact),
        level=clean(level),
        fee=sponsorship.sponsorship_fee,
        start=sponsorship.start_date,
        end=sponsorship.end_date,
        renewal=renewal,
        previous_effective=previous_effective,
        benefits=parse_benefits(contract.benefits_list),
        clauses=parse_clauses(contract.legal_clauses),
        revision=contract.revision,
    )


def _no_fetch(url: str, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: the document needs no resource, so none is fetched (no SSRF, no local files)."""
    raise ValueError(f"contracts load no resources ({url[:60]!r} refused)")


def render_pdf(sow: StatementOfWork) -> bytes:
    from weasyprint import HTML

    html = _env.get_template("statement_of_work.html").render(sow=sow, psf=PSF)
    pdf: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    return pdf


def _page_number(paragraph: Any) -> None:
    """A ``PAGE`` field: Word fills in the page number."""
    run = paragraph.add_run()
    begin, code, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(end)


def render_docx(sow: StatementOfWork) -> bytes:
    document = Document()
    style: Any = document.styles["Normal"]
    style.font.name = "Helvetica"
    style.font.size = Pt(11)
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _page_number(footer)
    document.add_heading(f"{sow.title}: Statement of Work", level=0)
    document.add_paragraph(
        f"This statement of work is made between the {PSF}, the “PSF”, and {sow.sponsor_name}, the “Sponsor”."
    )
    document.add_heading("The Sponsor", level=1)
    document.add_paragraph(sow.sponsor_info)
    if sow.sponsor_contact:
        document.add_paragraph(f"Contact: {sow.sponsor_contact}")
    document.add_heading("Term and fee", level=1)
    document.add_paragraph(
        f"The Sponsor sponsors the PSF at the {sow.level or 'agreed'} level from {sow.when(sow.start)} to "
        f"{sow.when(sow.end)}, for a fee of {sow.fee_words} US dollars ({sow.fee_figures})."
    )
    if sow.renewal:
        document.add_paragraph(
            "This agreement renews the sponsorship in effect since "
            f"{sow.when(sow.previous_effective)}; its terms continue except as stated here."
        )
    document.add_heading("Benefits", level=1)
    for benefit in sow.benefits:
        paragraph = document.add_paragraph(benefit.text, style="List Bullet")
        for note in benefit.notes:
            run = paragraph.add_run(f"{note}")
            run.font.superscript = True
    if sow.clauses:
        document.add_heading("Terms", level=1)
        for number, text in sow.clauses:
            document.add_paragraph(f"{number}. {text}")
    document.add_heading("Signatures", level=1)
    table = document.add_table(rows=4, cols=2)
    for column, party in enumerate((PSF, sow.sponsor_name)):
        table.cell(0, column).text = party
        table.cell(1, column).text = "By: ______________________________"
        table.cell(2, column).text = "Name and title: ____________________"
        table.cell(3, column).text = "Date: ____________________________"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
