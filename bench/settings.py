"""The site's settings (from the environment, as in production) serving bench/urls.py for bench/load.py."""
from memri.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
