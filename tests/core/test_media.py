"""Only public uploads are reachable by URL, with a policy that forbids scripts."""

import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos" / "org").mkdir(parents=True)
    (tmp_path / "logos" / "org" / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'/>"
    )
    (tmp_path / "mail-attachments").mkdir()
    (tmp_path / "mail-attachments" / "receipt.pdf").write_bytes(b"%PDF-1.4 secret")
    return tmp_path


def test_public_logo_is_served_with_a_strict_policy(client, media_root):
    response = client.get("/media/logos/org/logo.svg")
    assert response.status_code == 200
    assert "script" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/media/mail-attachments/receipt.pdf", "/media/logos/../mail-attachments/receipt.pdf"]
)
def test_other_uploads_are_not_reachable(client, db, media_root, path):
    assert client.get(path).status_code == 404
