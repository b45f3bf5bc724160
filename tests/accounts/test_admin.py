from django.test import Client

from tests.factories import UserFactory


def admin_client(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def test_superuser_edits_a_user_with_role_grants_inline_in_vietnamese(province_world):
    client = admin_client(UserFactory(is_superuser=True))
    page = client.get(f"/admin/accounts/user/{province_world.desk_a.pk}/change/").content.decode()
    assert "Vai trò và phạm vi" in page  # the inline of grants
    assert "Cán bộ một cửa" in page
    assert "Lưu" in page  # Django's own admin in Vietnamese


def test_unit_admin_manages_only_the_users_of_their_commune(province_world):
    w = province_world
    client = admin_client(w.admin_a)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert w.desk_a.username in listing
    assert w.admin_b.username not in listing
    assert client.get(f"/admin/accounts/user/{w.admin_b.pk}/change/").status_code in (302, 403, 404)


def test_unit_admin_cannot_make_a_superuser_or_grant_province_admin(province_world):
    w = province_world
    page = admin_client(w.admin_a).get(f"/admin/accounts/user/{w.desk_a.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'value="province_admin"' not in page


def test_desk_officer_has_no_admin(province_world):
    response = admin_client(province_world.desk_a).get("/admin/accounts/user/")
    assert response.status_code == 403
