"""`motcua worker`: a background worker (Django Tasks, database backend of django-tasks-db).

Run any number of them, on any host sharing the database. Each pass runs the queued tasks,
then sweeps the outbox for deliveries that are due but have no live task — a retry whose task
was lost, or a delivery whose worker was killed mid-send (its lease expired) — and the imports
whose worker died mid-import (heartbeat stopped): they are queued again."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from motcua.exchange.delivery import deliver_due
from motcua.exchange.imports import imports_restart_stalled
from motcua.exchange.tasks import QUEUE as EXCHANGE_QUEUE


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý nền: các tác vụ trong hàng đợi và việc gửi hồ sơ tới hệ thống kết nối."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Làm hết việc đang chờ rồi dừng.")
        parser.add_argument(
            "--queue",
            default="*",
            help="Các hàng đợi xử lý, cách nhau bởi dấu phẩy (mặc định: tất cả, “*”).",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Số giây nghỉ khi không có việc (mặc định 1)."
        )
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=15.0,
            help="Số giây giữa hai lần rà soát hồ sơ chờ gửi (mặc định 15).",
        )
        parser.add_argument("--worker-id", default="", help="Tên tiến trình (mặc định: ngẫu nhiên).")

    def handle(self, *args: Any, **options: Any) -> None:
        queues = [q.strip() for q in options["queue"].split(",") if q.strip()] or ["*"]
        worker = Worker(
            queue_names=queues,
            interval=0,
            batch=True,  # one pass: run what is queued, then come back here to sweep
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=options["worker_id"] or get_random_string(32),
            excluded_queue_names=[],
        )
        sweeps = "*" in queues or EXCHANGE_QUEUE in queues
        self.stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            # Finish the task in hand, then leave; a second signal leaves at once.
            if self.stopping:
                raise SystemExit(1)
            self.stopping = True
            worker.running = False

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)
        if options["verbosity"] > 0:
            self.stdout.write(f"motcua worker {worker.worker_id}: hàng đợi {','.join(queues)}")
        last_sweep = 0.0
        while not self.stopping:
            before = worker._run_tasks
            worker.running = True
            worker.run()
            busy = worker._run_tasks > before
            if sweeps and (options["once"] or time.monotonic() - last_sweep >= options["sweep_interval"]):
                busy = deliver_due() > 0 or busy
                busy = bool(imports_restart_stalled()) or busy
                last_sweep = time.monotonic()
            close_old_connections()
            if options["once"]:
                if busy:
                    continue  # a delivery may have queued a follow-up: finish it too
                break
            if not busy:
                time.sleep(options["interval"])
