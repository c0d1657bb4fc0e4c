"""Serving a task's private files (sponsor assets, proofs) to people allowed to see them."""

import mimetypes
import os

from django.http import FileResponse, Http404

from marketplace.fulfilment.models import BenefitTask


def serve(task: BenefitTask, which: str) -> FileResponse:
    """The task's asset file or proof file as a download (404 when there is none). Callers
    check who asks."""
    fieldfile, name = {
        "asset": (task.asset_file, task.asset_filename),
        "proof": (task.proof_file, task.proof_filename),
    }[which]
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404
    extension = os.path.splitext(fieldfile.name)[1]
    filename = name or f"{which}{extension}"
    if not filename.lower().endswith(extension):
        filename += extension
    content_type = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
