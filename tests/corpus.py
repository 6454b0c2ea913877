"""A small corpus of call notes about six needs, phrased the way reps write."""

NEEDS: dict[str, list[tuple[str, str]]] = {
    "sso": [
        ("They won't roll out without SAML single sign-on through Okta.", "sso"),
        ("IT asked if we support SSO with Azure AD before signing.", "security"),
        ("Need login via their identity provider, Okta, for all 400 users.", "sso;okta"),
        ("Blocker: no single sign-on. Their security team requires SAML.", ""),
        ("Could staff log in with Google Workspace SSO instead of passwords?", "auth"),
        ("Asked again about SAML SSO and SCIM provisioning for their IdP.", "sso"),
        ("Security review failed because we lack single sign-on.", "security"),
        ("Wants employees to sign in with their corporate Okta accounts.", "okta"),
    ],
    "export": [
        ("They need to export reports to Excel every Monday for the board.", "reporting"),
        ("Can we get a CSV export of the pipeline dashboard?", "export"),
        ("Finance wants scheduled PDF exports of the monthly report.", "reporting"),
        ("No way to download the analytics as a spreadsheet, big gap for them.", ""),
        ("Asked for exporting charts and tables to CSV or XLSX.", "export;reporting"),
        ("Their ops lead copies numbers by hand because there is no report export.", "reporting"),
        ("Want an automatic weekly email with the report attached as Excel.", ""),
        ("Export of the usage report to CSV would save them hours.", "export"),
    ],
    "mobile": [
        ("Field reps need a mobile app for iPhone to log visits on the road.", "mobile"),
        ("Is there an Android app? Their technicians only carry phones.", "mobile"),
        ("They asked for an offline-capable phone app for site visits.", ""),
        ("No native iOS app is a deal breaker for their sales floor.", "ios"),
        ("Want to approve requests from their phones, mobile app please.", "mobile"),
        ("Their drivers cannot use the web version on small screens; need an app.", "ux"),
        ("Asked when the iPad and iPhone apps will be available.", "mobile"),
        ("Mobile application for Android tablets in the warehouse.", "android"),
    ],
    "pricing": [
        ("Per-seat pricing is too expensive for their 2,000 occasional users.", "pricing"),
        ("They want usage-based pricing instead of paying for every seat.", "pricing"),
        ("Competitor offers a flat fee; our per-user price kills the deal.", "pricing;competition"),
        ("Procurement asked for a discount on seats above 500 users.", "discount"),
        ("Licence cost per user is the main objection from their CFO.", ""),
        ("Would sign if read-only users did not count as paid seats.", "pricing"),
        ("Pricing per seat doesn't fit seasonal staff; need a pooled licence.", "licensing"),
        ("Budget only covers a site licence, not per-seat fees.", "pricing"),
    ],
    "residency": [
        ("Data must stay in the EU; they need a Frankfurt region for GDPR.", "gdpr"),
        ("Legal requires EU data residency before they can sign.", "compliance"),
        ("Asked where data is hosted; German customers need hosting in Germany.", ""),
        ("They cannot store personal data outside Europe under their DPA.", "gdpr"),
        ("EU-only data centre is mandatory for the public sector tender.", "compliance"),
        ("Need guarantees that backups also stay inside the European Union.", "security"),
        ("Their works council insists on EU hosting of employee data.", "gdpr"),
        ("Hosting in an EU region is a hard requirement from their DPO.", "compliance"),
    ],
    "audit": [
        ("Compliance needs an audit log of who changed which record and when.", "audit"),
        ("They want to see a history of admin actions for SOX audits.", "compliance"),
        ("Asked for exportable audit trails of user logins and permission changes.", "audit"),
        ("Security team requires activity logs retained for a year.", "security"),
        ("No change history per record is a problem for their auditors.", ""),
        ("Want an audit trail showing every deletion with the user's name.", "audit"),
        ("Their ISO 27001 certification requires logging of admin activity.", "compliance"),
        ("Need an immutable log of configuration changes for regulators.", "audit"),
    ],
}


def rows() -> list[tuple[str, list[str], str]]:
    """(text, tags, need) for every note in the corpus."""
    out = []
    for need, notes in NEEDS.items():
        for text, tags in notes:
            out.append((text, [t for t in tags.split(";") if t], need))
    return out
