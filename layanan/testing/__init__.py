"""Test support shared by every app: the small world and the house-style cast.

Not a Django app and never imported by production code. ``build_world()`` and
``build_cast()`` live in :mod:`layanan.testing.world`; the root ``conftest.py``
turns them into the ``world`` and ``cast`` fixtures.
"""

from layanan.testing.world import TEST_PASSWORD, Cast, World, build_cast, build_world, make_user

__all__ = ["TEST_PASSWORD", "Cast", "World", "build_cast", "build_world", "make_user"]
