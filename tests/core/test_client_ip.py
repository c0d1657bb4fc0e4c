"""One reading of the client's address for the whole site."""

import pytest
from allauth.core.internal.httpkit import get_client_ip as allauth_client_ip
from django.test import RequestFactory

from marketplace.core.client import client_ip


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (1, "6.6.6.6, 198.51.100.23", "198.51.100.23"),
        (2, "6.6.6.6, 198.51.100.23, 10.0.0.5", "198.51.100.23"),
        (2, "198.51.100.23", "203.0.113.7"),  # shorter than declared: the connection's
    ],
)
def test_the_nth_address_from_the_right_behind_n_proxies(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    assert client_ip(request(forwarded=forwarded)) == expected


def test_garbage_is_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded="not-an-ip")) is None


@pytest.mark.parametrize("hops", [0, 1, 2])
def test_allauth_reads_the_same_address(settings, hops):
    # settings.py derives allauth's count from ours; its rate limits then key on the same client.
    settings.TRUSTED_PROXY_COUNT = hops
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = hops
    forged = request(remote="10.0.0.2", forwarded="6.6.6.6, 198.51.100.23, 192.0.2.9")
    assert allauth_client_ip(forged) == client_ip(forged)


def test_settings_derive_allauths_count_from_ours():
    from django.conf import settings

    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT
