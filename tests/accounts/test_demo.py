from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from motcua.accounts.demo import API_ACCOUNT, DEMO_PASSWORD, DEMO_STAFF, PORTAL_ACCOUNT, build_demo
from motcua.accounts.models import RoleGrant, User
from motcua.accounts.permissions import Permission
from motcua.accounts.scope import can
from motcua.units.demo import VAN_HUNG_CODE, VAN_THANG_CODE, demo_commune
from motcua.units.demo import build_demo as units_demo


def test_demo_staff_are_created_once_scoped_and_can_log_in(db):
    list(units_demo())
    list(build_demo())
    list(build_demo())  # a second run changes nothing
    assert User.objects.count() == len(DEMO_STAFF)
    assert RoleGrant.objects.count() == len(DEMO_STAFF)
    assert Token.objects.filter(user__username=API_ACCOUNT).count() == 1

    van_hung, van_thang = demo_commune(VAN_HUNG_CODE), demo_commune(VAN_THANG_CODE)
    officer = User.objects.get(username="motcua.vanhung")
    assert can(officer, Permission.RECEIVE, van_hung)
    assert not can(officer, Permission.READ, van_thang)
    assert can(User.objects.get(username="quantri.tinh"), Permission.CHANGE_SETTINGS, van_thang)
    assert not can(User.objects.get(username=API_ACCOUNT), Permission.CHANGE_SETTINGS, van_thang)

    request = RequestFactory().post("/dang-nhap/")
    assert authenticate(request, username="motcua.vanhung", password=DEMO_PASSWORD) == officer


def test_api_token_command_prints_the_same_token_until_renewed(db, capsys):
    user = User.objects.create_user(username=API_ACCOUNT, password=DEMO_PASSWORD)
    call_command("api_token", API_ACCOUNT)
    first = capsys.readouterr().out.strip()
    call_command("api_token", API_ACCOUNT)
    assert capsys.readouterr().out.strip() == first == Token.objects.get(user=user).key
    call_command("api_token", API_ACCOUNT, "--renew")
    assert capsys.readouterr().out.strip() != first


def test_only_the_portal_account_may_deliver_online_dossiers(db):
    list(units_demo())
    list(build_demo())
    list(build_demo())
    portal = User.objects.get(username=PORTAL_ACCOUNT)
    assert portal.has_perm("records.deliver_online_dossiers")
    assert Token.objects.filter(user=portal).count() == 1
    assert not User.objects.get(username=API_ACCOUNT).has_perm("records.deliver_online_dossiers")
