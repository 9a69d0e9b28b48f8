"""Markers of the command tests: `slow` for the ones that install a pre-commit environment."""


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (installs a pre-commit environment)")
