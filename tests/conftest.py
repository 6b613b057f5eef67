"""Shared fixtures: a small real-format gazetteer, and the shipped one."""

from pathlib import Path

import pytest

from gazetteer import Gazetteer, Geoparser

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def mini_gazetteer() -> Gazetteer:
    """27 real GeoNames rows (cities, countries, two admin1) with their Latin/Cyrillic names."""
    return Gazetteer.from_files(FIXTURES / "mini_places.csv", FIXTURES / "mini_names.csv")


@pytest.fixture(scope="session")
def mini_parser(mini_gazetteer) -> Geoparser:
    return Geoparser(mini_gazetteer)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package."""
    return Gazetteer.load()


@pytest.fixture(scope="session")
def parser(gazetteer) -> Geoparser:
    return Geoparser(gazetteer)
