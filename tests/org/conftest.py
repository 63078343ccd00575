import pytest


@pytest.fixture(autouse=True)
def _db(db):
    """Every organisation test uses the database."""
