"""gunicorn for the floor: web workers at Commonplace's niceness, no other process."""

from commonplace.gunicorn_conf import post_fork  # noqa: F401
