from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.models import User
from motcua.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "In (hoặc cấp lại) token API của một tài khoản, ví dụ tài khoản hệ thống kết nối."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--renew", action="store_true", help="Thu hồi token cũ và cấp token mới.")

    def handle(self, *args: Any, username: str, renew: bool, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có tài khoản đang hoạt động tên {username!r}.")
        self.stdout.write(api_token_issue(user=user, renew=renew).key)
