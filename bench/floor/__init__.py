"""The framework alone: the floor that bench/load.py sets Commonplace against.

A Django project of one model and three DRF views, answering the routes the load clients
call (`/api/annotations`, `/api/annotations/<id>`, `/api/search`, `/healthz`) with nothing
of Commonplace: token authentication, a ModelSerializer, the ORM, the same database
settings, served by gunicorn in the same shape. What it costs a request on this machine
is what any Django application pays before it does its own work; a target below it can
be met by no application on this machine, and the ratio to it is what Commonplace adds.
"""
