"""Candidate retrieval, one backend per database; scoring is shared (see ``kefu.search.scoring``)."""

from django.db import connection


def backend():
    if connection.vendor == "postgresql":
        from kefu.search.backends import postgres

        return postgres
    from kefu.search.backends import sqlite

    return sqlite
