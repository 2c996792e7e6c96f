"""A sample package for pypi-publish's tests."""

__version__ = "0.1.0"


def main() -> None:
    print("ppdemo", __version__)
