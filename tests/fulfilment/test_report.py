"""The post-event report PDF: each benefit with its state, the proofs (photo embedded, links
listed, files named) and the reasons for what was waived."""

import io

from pypdf import PdfReader

from marketplace.fulfilment import services
from marketplace.fulfilment.report import render_report
from tests.e2e.helpers import SCREENSHOTS
from tests.fulfilment.images import jpeg, pdf


def _by_kind(tasks):
    return {task.kind: task for task in tasks}


def test_the_report_lists_each_benefit_with_its_proofs(paid, organiser):
    pledge, tasks = paid
    tasks = _by_kind(tasks)
    for task in (tasks["logo_website"], tasks["exhibition"]):
        services.start(task, actor=organiser)
    services.deliver(
        tasks["logo_website"],
        actor=organiser,
        proof_file=jpeg(name="sponsor-wall.jpg"),
        proof_url="https://example.org/gsr-26/sponsors",
    )
    services.deliver(tasks["exhibition"], actor=organiser, proof_file=pdf("Stand photos.pdf"))
    services.waive(tasks["passes"], actor=organiser, reason="The sponsor sent no delegates.")

    content = render_report(pledge)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "fulfilment-report.pdf").write_bytes(content)  # to look at
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    assert "Benefits delivered" in text
    assert "Acme Ltd" in text and pledge.reference in text
    assert "Global Symposium for Regulators" in text
    assert "2 of 6 benefits" in text
    assert "Logo on website" in text and "https://example.org/gsr-26/sponsors" in text
    assert "Proof (photo): sponsor-wall.jpg" in text
    assert "Exhibition space" in text and "Proof (file): Stand photos.pdf" in text
    assert "Complimentary passes" in text and "The sponsor sent no delegates." in text
    assert "Social media post" in text and "Not delivered" in text
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 1  # the photo, embedded
