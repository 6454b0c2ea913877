"""The underlying customer needs of the demo data and the many ways reps write them.

Each need has a popularity (how often it comes up), a trend (growing needs are
heard more in recent months, fading ones less), the tags reps tend to use for
it (inconsistently), competitors that come up with it, phrasings and quotes.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    key: str
    popularity: float
    trend: str  # "growing", "fading" or "steady"
    tags: tuple[str, ...]
    competitors: tuple[str, ...]
    phrasings: tuple[str, ...]
    quotes: tuple[str, ...]
    blocker_rate: float = 0.2


NEEDS: tuple[Need, ...] = (
    Need(
        "sso",
        10,
        "steady",
        ("sso", "single sign-on", "okta", "auth", "security", "login"),
        ("Productboard", "Aha!"),
        (
            "They won't roll out without SAML SSO; they're on {idp}.",
            "IT lead asked whether we support single sign-on with {idp} — hard requirement.",
            "Security questionnaire came back: no SSO, no deal.",
            "Users should log in with their {idp} accounts instead of separate passwords.",
            "Asked again about SAML + SCIM provisioning for {idp}.",
            "Their CISO wants all SaaS behind {idp} single sign-on before renewal.",
            "Login through the corporate identity provider ({idp}) is a must for them.",
        ),
        (
            "We can't onboard 500 people with separate passwords.",
            "If it's not behind {idp}, security won't approve it.",
        ),
        0.45,
    ),
    Need(
        "crm",
        9,
        "growing",
        ("integrations", "salesforce", "crm", "hubspot", "sync"),
        ("Gong", "Productboard"),
        (
            "Need a two-way sync with {crm} so reps don't double-enter notes.",
            "Asked if feedback can be pushed automatically from {crm}.",
            "Their RevOps team wants the {crm} integration before expanding seats.",
            "Without a native {crm} connector they'd have to build it themselves.",
            "Wants opportunities from {crm} linked to feedback automatically.",
            "Manual export/import from {crm} is a dealbreaker for their ops lead.",
        ),
        (
            "Everything we do lives in {crm}; it has to be there.",
            "My reps will not log things twice.",
        ),
        0.3,
    ),
    Need(
        "export",
        8,
        "steady",
        ("reporting", "export", "csv", "reports", "analytics"),
        ("Aha!",),
        (
            "They need to export reports to Excel for the weekly exec meeting.",
            "Asked for CSV export of the dashboard data.",
            "Finance wants scheduled PDF reports emailed monthly.",
            "Can't get the analytics out as a spreadsheet — big gap for them.",
            "Their ops manager copies numbers by hand because there's no export.",
            "Wants charts exportable to PowerPoint / Excel.",
        ),
        (
            "I just need to get this into a spreadsheet.",
            "The board pack is built in Excel; give me an export.",
        ),
        0.1,
    ),
    Need(
        "pricing",
        8,
        "growing",
        ("pricing", "budget", "discount", "licensing", "cost"),
        ("Canny", "UserVoice", "Productboard"),
        (
            "Per-seat pricing is too expensive for their {seats} occasional users.",
            "They want usage-based pricing instead of paying per seat.",
            "{competitor} quoted a flat fee; our per-user price is the main objection.",
            "Procurement asked for volume discounts above {seats} seats.",
            "Read-only users shouldn't count as paid seats, they argue.",
            "CFO pushed back on licence cost per user — wants a site licence.",
        ),
        (
            "Paying for every viewer makes no sense for us.",
            "At this price per seat we can only give it to a handful of people.",
        ),
        0.35,
    ),
    Need(
        "mobile",
        6,
        "growing",
        ("mobile", "ios", "android", "app", "ux"),
        ("Canny",),
        (
            "Field reps need a mobile app to log feedback on the road.",
            "Is there an iOS app? Their team lives on iPhones.",
            "Asked for an Android app for the warehouse staff.",
            "Mobile web is too fiddly for them; they want a native app.",
            "Wants offline capture on phones, syncing later.",
            "No mobile app is a blocker for their sales floor.",
        ),
        (
            "My reps are never at a desk.",
            "If I can't do it from my phone between meetings, I won't do it.",
        ),
        0.2,
    ),
    Need(
        "audit",
        6,
        "steady",
        ("audit", "compliance", "security", "logs", "sox"),
        ("Aha!",),
        (
            "Compliance needs an audit log of who changed what and when.",
            "They want a history of admin actions for their SOX audit.",
            "Asked for exportable audit trails of logins and permission changes.",
            "Their auditors need change history per record.",
            "Security team requires activity logs retained for a year.",
        ),
        ("Our auditors will ask who changed this, and I need an answer.",),
        0.3,
    ),
    Need(
        "residency",
        5,
        "growing",
        ("gdpr", "compliance", "eu", "data residency", "security", "legal"),
        ("Productboard",),
        (
            "Data must stay in the EU; they need a Frankfurt region.",
            "Legal requires EU data residency before signing.",
            "German works council insists on hosting inside Germany.",
            "They can't store personal data outside Europe under their DPA.",
            "EU-only hosting is mandatory for the public-sector tender.",
        ),
        ("If the data leaves the EU, legal will kill it.",),
        0.5,
    ),
    Need(
        "rate_limits",
        4,
        "growing",
        ("api", "integrations", "limits", "performance"),
        (),
        (
            "Their integration hits our API rate limits during nightly syncs.",
            "Asked to raise the API limit to {limit} requests per minute.",
            "Bulk endpoints needed: the per-request limit slows their sync to hours.",
            "Engineering complained about 429 errors from the API.",
            "They need higher API quotas for the data warehouse export.",
        ),
        ("Our sync takes six hours because of your throttling.",),
        0.25,
    ),
    Need(
        "slack",
        5,
        "steady",
        ("slack", "integrations", "notifications", "teams"),
        ("Canny", "UserVoice"),
        (
            "Want notifications in Slack when a theme changes status.",
            "Asked if we integrate with Microsoft Teams channels.",
            "Their PMs live in Slack; alerts by email get ignored.",
            "Would like to log feedback straight from a Slack message.",
        ),
        ("If it's not in Slack, nobody sees it.",),
        0.1,
    ),
    Need(
        "roles",
        5,
        "steady",
        ("permissions", "roles", "admin", "security"),
        ("Aha!", "Productboard"),
        (
            "Need custom roles: some reps should only see their own region.",
            "Asked for read-only roles for executives.",
            "Granular permissions per team are a requirement for them.",
            "They want to restrict who can edit accounts and deals.",
        ),
        ("Not everyone should see every deal.",),
        0.2,
    ),
    Need(
        "dashboards",
        4,
        "fading",
        ("reporting", "dashboard", "analytics", "ux"),
        ("Aha!",),
        (
            "Want to customise dashboards per team.",
            "Asked for saved views and custom widgets on the dashboard.",
            "Their leadership wants a personalised home dashboard.",
            "Can we pin the charts they care about to the top?",
        ),
        ("Every team wants to see something different.",),
        0.05,
    ),
    Need(
        "bulk_import",
        4,
        "fading",
        ("import", "onboarding", "csv", "migration"),
        (),
        (
            "Need to bulk import three years of historical feedback from spreadsheets.",
            "Asked for a migration path from their current tool with CSV import.",
            "Import of accounts and deals from a file would save weeks of onboarding.",
            "Their admin wants to upload users in bulk.",
        ),
        ("We are not retyping three years of notes.",),
        0.2,
    ),
    Need(
        "sandbox",
        3,
        "steady",
        ("sandbox", "testing", "admin", "environments"),
        (),
        (
            "They want a sandbox environment to test configuration changes.",
            "Asked for a staging tenant before rolling out to production.",
            "IT requires a separate test instance for change management.",
        ),
        ("We test everything before it goes live.",),
        0.15,
    ),
    Need(
        "retention",
        3,
        "growing",
        ("compliance", "gdpr", "retention", "legal"),
        (),
        (
            "Need configurable data retention: delete notes after two years.",
            "Legal asked for automatic deletion of personal data on request.",
            "Retention policies per data type are required by their DPO.",
        ),
        ("We must be able to delete data on a schedule.",),
        0.3,
    ),
    Need(
        "mfa",
        4,
        "fading",
        ("security", "2fa", "mfa", "auth", "login"),
        (),
        (
            "Asked for two-factor authentication for all users.",
            "Security policy requires MFA with authenticator apps.",
            "They want to enforce 2FA for admins at least.",
        ),
        ("No MFA means no approval from security.",),
        0.35,
    ),
    Need(
        "webhooks",
        3,
        "growing",
        ("api", "webhooks", "integrations", "automation"),
        (),
        (
            "Want webhooks when a theme ships so their tools can react.",
            "Asked for outgoing webhooks to trigger Zapier flows.",
            "Engineering wants events pushed instead of polling the API.",
        ),
        ("Polling your API every minute is silly.",),
        0.1,
    ),
    Need(
        "localization",
        3,
        "steady",
        ("localization", "i18n", "language", "ux"),
        (),
        (
            "Need the interface in German and French for their regional teams.",
            "Asked whether Spanish and Portuguese are supported.",
            "Their Japanese office needs a localised UI.",
        ),
        ("Half my team doesn't work in English.",),
        0.15,
    ),
    Need(
        "sla",
        3,
        "steady",
        ("sla", "support", "uptime", "enterprise"),
        ("Productboard",),
        (
            "Procurement requires a 99.9% uptime SLA in the contract.",
            "Asked for 24/7 support with a one-hour response time.",
            "They need a named support contact and an SLA for P1 incidents.",
        ),
        ("We need someone to call at 3am.",),
        0.3,
    ),
    Need(
        "onboarding",
        3,
        "fading",
        ("onboarding", "training", "support", "adoption"),
        (),
        (
            "Want onboarding sessions and training for 200 reps.",
            "Asked for in-app guides to help new users.",
            "Adoption worries: they need help rolling it out to the sales team.",
        ),
        ("Tools die when nobody trains the team.",),
        0.05,
    ),
    Need(
        "custom_fields",
        4,
        "steady",
        ("custom fields", "configuration", "admin", "data model"),
        ("Aha!",),
        (
            "Need custom fields on notes to capture product line and region.",
            "Asked to add their own picklists to feedback entries.",
            "Want to track contract type as a custom field on accounts.",
        ),
        ("Our process has fields yours doesn't.",),
        0.1,
    ),
    Need(
        "search",
        3,
        "growing",
        ("search", "performance", "ux"),
        (),
        (
            "Search is too slow on their 200k notes.",
            "Asked for full-text search across quotes and notes.",
            "Want saved searches and filters that load instantly.",
        ),
        ("I can never find the note I'm looking for.",),
        0.1,
    ),
    Need(
        "email_digest",
        2,
        "steady",
        ("notifications", "email", "digest"),
        ("UserVoice",),
        (
            "Want a weekly email digest of new feedback for their PMs.",
            "Asked to control which notifications they get by email.",
            "Their execs want a monthly summary email of top themes.",
        ),
        ("Send me a summary, I won't log in every day.",),
        0.05,
    ),
    Need(
        "approvals",
        2,
        "growing",
        ("workflow", "approvals", "automation"),
        (),
        (
            "Need approval workflows before a theme goes onto the roadmap.",
            "Asked for sign-off steps for product decisions.",
            "Want a review step where sales leadership approves priorities.",
        ),
        ("Nothing goes on the roadmap without sign-off.",),
        0.15,
    ),
    Need(
        "accessibility",
        2,
        "steady",
        ("accessibility", "wcag", "ux", "compliance"),
        (),
        (
            "Public-sector buyer requires WCAG 2.1 AA compliance.",
            "Asked for a VPAT and screen-reader support.",
            "Keyboard navigation gaps came up in their accessibility review.",
        ),
        ("We can't buy software our staff can't all use.",),
        0.4,
    ),
    Need(
        "ai_summaries",
        4,
        "growing",
        ("ai", "summaries", "automation", "analytics"),
        ("Gong", "Productboard"),
        (
            "Want AI summaries of call notes per account.",
            "Asked if we can summarise long call transcripts automatically.",
            "Their VP wants automatic highlights of what customers ask for most.",
        ),
        ("Nobody reads forty notes; summarise them for me.",),
        0.1,
    ),
)

SLOTS = {
    "idp": ("Okta", "Azure AD", "Google Workspace", "OneLogin", "Ping Identity"),
    "crm": ("Salesforce", "HubSpot", "Dynamics 365", "Pipedrive"),
    "seats": ("300", "500", "1,200", "2,000", "5,000"),
    "limit": ("1,000", "5,000", "10,000"),
}

FRAMINGS = (
    "",
    "",
    "Discovery call: ",
    "Call w/ {role}: ",
    "QBR — ",
    "Demo feedback: ",
    "Follow-up with their {role}. ",
    "Renewal call: ",
    "Quick sync: ",
)
ROLES = ("IT lead", "VP Sales", "CFO", "head of RevOps", "CISO", "ops manager", "product lead")
ENDINGS = (
    "",
    "",
    "",
    " They asked for a timeline.",
    " Came up twice on the call.",
    " Not a blocker yet, but they'll push at renewal.",
    " Would help us close this quarter.",
    " {competitor} already has this, they said.",
    " Champion is supportive, procurement less so.",
)
COMPETITORS = (
    "Productboard",
    "Aha!",
    "Canny",
    "UserVoice",
    "Gong",
    "Pendo",
    "Dovetail",
    "Jira Product Discovery",
)
NOISE_TAGS = ("urgent", "enterprise", "follow-up", "renewal", "feedback", "q3", "misc")
