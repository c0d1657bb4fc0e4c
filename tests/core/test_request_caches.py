"""What is remembered across requests to spare the signed-in pages their queries — Wagtail's
routing, whether any page is private, a user's permissions — is never wrong: a renamed,
unpublished or restricted page, a changed site, a granted or revoked permission shows on the
next request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, sponsor, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0  # the anonymous page cache is not what is tested
    client.force_login(sponsor[0])
    return client


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries]


def test_the_second_visit_routes_the_page_without_reading_the_tree(signed_in, event):
    first, first_sql = get(signed_in, event.url)
    second, second_sql = get(signed_in, event.url)
    assert first.status_code == second.status_code == 200
    assert any("wagtailcore_site" in sql for sql in first_sql)
    assert not any("wagtailcore_site" in sql for sql in second_sql)
    assert not any("wagtailcore_pageviewrestriction" in sql for sql in second_sql)
    assert event.title.encode() in second.content
    assert len(second_sql) < len(first_sql)


def test_a_renamed_event_is_found_at_its_new_address_and_not_at_the_old(signed_in, event):
    old_url = event.url
    assert get(signed_in, old_url)[0].status_code == 200
    event.slug = "gsr-renamed"
    event.save_revision().publish()
    event.refresh_from_db()
    assert event.url != old_url
    assert get(signed_in, old_url)[0].status_code == 404
    assert get(signed_in, event.url)[0].status_code == 200


def test_an_unpublished_event_is_gone_on_the_next_request(signed_in, event):
    url = event.url
    assert get(signed_in, url)[0].status_code == 200
    event.unpublish()
    assert get(signed_in, url)[0].status_code == 404


def test_a_changed_site_routes_again(signed_in, event, tree):
    url = event.url
    assert get(signed_in, url)[0].status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.root_page = event  # the event is now the site's home page
    site.save()
    assert get(signed_in, url)[0].status_code == 404
    assert get(signed_in, "/")[0].status_code == 200


def test_a_page_restricted_after_a_visit_asks_for_its_password(signed_in, event):
    assert get(signed_in, event.url)[0].status_code == 200
    PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-words"
    )
    response, _sql = get(signed_in, event.url)
    assert b'name="password"' in response.content
    assert b'id="packages-heading"' not in response.content


def test_a_private_package_leaves_the_catalogue(signed_in, event, package):
    first, _sql = get(signed_in, event.url)
    assert f'data-package="{package.pk}"'.encode() in first.content
    PageViewRestriction.objects.create(page=package, restriction_type=PageViewRestriction.LOGIN)
    second, _sql = get(signed_in, event.url)
    assert f'data-package="{package.pk}"'.encode() not in second.content


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # a new request's user: no per-object cache


def test_permissions_are_read_once_then_follow_every_grant_and_revocation(sponsor):
    user = sponsor[0]
    perm = "register.view_partnershipagreement"
    assert not fresh(user).has_perm(perm)
    with CaptureQueriesContext(connection) as queries:
        assert not fresh(user).has_perm(perm)
    assert not any("auth_permission" in q["sql"] for q in queries)

    group = Group.objects.create(name="Readers of the register")
    group.permissions.add(Permission.objects.get(codename="view_partnershipagreement"))
    assert not fresh(user).has_perm(perm)  # not in the group yet
    user.groups.add(group)
    assert fresh(user).has_perm(perm)
    group.permissions.clear()
    assert not fresh(user).has_perm(perm)
    group.permissions.add(Permission.objects.get(codename="view_partnershipagreement"))
    assert fresh(user).has_perm(perm)
    group.delete()
    assert not fresh(user).has_perm(perm)


def test_a_superuser_flag_and_an_inactive_account_are_read_on_every_request(sponsor):
    user = sponsor[0]
    perm = "register.view_partnershipagreement"
    assert not fresh(user).has_perm(perm)
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
    assert fresh(user).has_perm(perm)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert not fresh(user).has_perm(perm)
