"""`motcua demo`: build the Khánh Hòa demo — idempotent and deterministic."""

from django.core.management.base import BaseCommand

from motcua.core import demo


class Command(BaseCommand):
    help = "Tạo dữ liệu demo tỉnh Khánh Hòa (đơn vị, cơ quan, danh mục TTHC, tài khoản)."

    def handle(self, *args, **options):
        for line in demo.build(stdout=self.stdout):
            self.stdout.write(line)
