"""Fixtures for the tests that open the built site in Chromium.

``conftest.py`` loads this module as a plugin, so every browser test gets the same
site build, one Chromium per test module, and local servers of the site.
"""

from __future__ import annotations

import pytest
from browser_support import MOUNTS, launch_chromium, serve
from built_site import build_site
from playwright.sync_api import sync_playwright


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Return the folder of the site, built once per session."""
    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    """Return Debian's Chromium, headless, for the tests of one module."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module", params=sorted(MOUNTS))
def mount(request) -> str:
    """Return the name of the mount: ``root`` or ``subpath``."""
    return request.param


@pytest.fixture(scope="module")
def base_url(site, mount):
    """Serve the site at the root and again under the GitHub Pages sub-path."""
    with serve(site, MOUNTS[mount]) as url:
        yield url


@pytest.fixture(scope="module")
def root_url(site):
    """Serve the site at the root only, for checks that do not depend on the path."""
    with serve(site) as url:
        yield url
