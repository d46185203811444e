"""Which entry of the site's header the current page belongs to (the header
marks it): the public sections by their addresses, and the signed-in
workplaces under the workspace."""

# (section, path prefixes); the first match wins, "/" alone is the home page.
SECTIONS = (
    ("roadshows", ("/roadshows/", "/r/", "/live/")),
    ("achievements", ("/achievements/",)),
    ("cases", ("/cases/",)),
    ("demands", ("/demands/",)),
    ("disclosures", ("/disclosures/",)),
    ("licences", ("/open-licences/",)),
    ("lists", ("/lists/",)),
    ("workspace", ("/workspace/", "/matchmaking/", "/meet/", "/deals/")),
)


def section_of(path: str) -> str:
    if path == "/":
        return "home"
    for section, prefixes in SECTIONS:
        if path.startswith(prefixes):
            return section
    return ""


def site_section(request) -> dict[str, str]:
    return {"site_section": section_of(request.path)}
