"""The settings gunicorn runs with under `pengaduan serve --production`: the base settings plus the
production switches of `pengaduan.ops.serving.production_overrides` (manifest static files, secure cookies,
HSTS, the proxy's scheme header). Commands such as `pengaduan remind` keep using `pengaduan.settings`.
"""

from pengaduan.env import env_bool
from pengaduan.ops.serving import production_overrides
from pengaduan.settings import *  # noqa: F403

globals().update(production_overrides(
    globals(),
    insecure_http=env_bool("PENGADUAN_INSECURE_HTTP", False),
    bench_urls=env_bool("PENGADUAN_BENCH_URLS", False),
))
