"""`pengaduan serve --production`: gunicorn with the production settings, after checking them.

Refuses to start with an unsafe configuration and says what to fix; collects the static files (hashed,
compressed) first. Without --production it runs Django's development server.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from pengaduan.env import env_bool
from pengaduan.ops import serving
from pengaduan.ops.checks import deployment_problems


def production_config(*, insecure_http: bool) -> dict:
    """The settings as gunicorn will see them: this process's settings with the production overrides."""
    config = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    config.update(serving.production_overrides(
        config, insecure_http=insecure_http, bench_urls=env_bool("PENGADUAN_BENCH_URLS", False)))
    return config


def pending_migrations() -> list[str]:
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


class Command(BaseCommand):
    help = "Serve the site: gunicorn with production settings (--production), else the development server."

    def add_arguments(self, parser):
        parser.add_argument("--production", action="store_true",
                            help="gunicorn, static files collected, secure settings; refuses unsafe configurations")
        parser.add_argument("--bind", default=serving.DEFAULT_BIND, help="address:port (default %(default)s)")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn workers (default WEB_CONCURRENCY, else 2 x cores + 1)")
        parser.add_argument("--insecure-http", action="store_true",
                            help="plain HTTP without TLS in front: only on a closed office network")
        parser.add_argument("--check", action="store_true", help="only check the configuration, then exit")
        parser.add_argument("--skip-collectstatic", action="store_true",
                            help="the static files are already collected (e.g. by the deploy script)")

    def handle(self, *args, **options):
        if not options["production"]:
            call_command("runserver", options["bind"])
            return
        workers = options["workers"] or serving.default_workers()
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        try:
            serving.recycling()
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        insecure_http = options["insecure_http"]
        problems = deployment_problems(
            production_config(insecure_http=insecure_http), workers=workers, bind=options["bind"],
            insecure_http=insecure_http, pending_migrations=pending_migrations(),
        )
        for problem in problems:
            self.stderr.write(str(problem))
        fatal = [problem for problem in problems if problem.fatal]
        if fatal:
            raise CommandError(f"Not starting: {len(fatal)} unsafe setting(s), see above.")
        if options["check"]:
            self.stdout.write(self.style.SUCCESS("The production configuration is safe to serve."))
            return
        env = serving.gunicorn_environ(insecure_http=insecure_http)
        if not options["skip_collectstatic"]:
            collect = [sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0"]
            if subprocess.run(collect, env=env).returncode:
                raise CommandError("collectstatic failed (see above); not starting.")
        argv = serving.gunicorn_argv(bind=options["bind"], workers=workers)
        self.stderr.write(f"Serving on {options['bind']} with {workers} worker(s) "
                          f"({'plain HTTP' if insecure_http else 'HTTPS behind the proxy'}; {serving.describe()}).")
        sys.stderr.flush()
        sys.stdout.flush()
        connections.close_all()
        os.execve(argv[0], argv, env)
