"""Candidate retrieval, one backend per database; scoring is shared (see ``kefu.search.scoring``)."""

from django.db import connection

from kefu.search.backends import postgres, sqlite


def backend():
    if connection.vendor == "postgresql":
        return postgres
    return sqlite
