"""The demo organisation's people and teams."""

DEMO_PASSWORD = "demo-password-2026"

REGIONS = ("na", "emea", "apac", "latam")
SALES_TEAMS = {
    "na": "Sales North America",
    "emea": "Sales EMEA",
    "apac": "Sales APAC",
    "latam": "Sales Latin America",
}
PRODUCT_TEAM = "Product"

REPS = (
    ("sam", "Sam", "Carter"),
    ("maya", "Maya", "Patel"),
    ("leo", "Leo", "Schmidt"),
    ("ines", "Inès", "Dubois"),
    ("kenji", "Kenji", "Watanabe"),
    ("ana", "Ana", "Souza"),
    ("tom", "Tom", "Becker"),
    ("priya", "Priya", "Nair"),
    ("lucas", "Lucas", "Moreau"),
    ("zoe", "Zoe", "Clarke"),
    ("omar", "Omar", "Haddad"),
    ("mei", "Mei", "Chen"),
    ("jonas", "Jonas", "Berg"),
    ("sofia", "Sofía", "García"),
    ("ethan", "Ethan", "Brooks"),
    ("aisha", "Aisha", "Bello"),
    ("noah", "Noah", "Fischer"),
    ("hana", "Hana", "Kim"),
    ("diego", "Diego", "Rojas"),
    ("emma", "Emma", "Wilson"),
)
PRODUCT_MANAGERS = (
    ("alex", "Alex", "Morgan"),
    ("jordan", "Jordan", "Lee"),
    ("riley", "Riley", "Novak"),
)
ADMIN = ("admin", "Ada", "Admin")


def rep_region(index: int) -> str:
    return REGIONS[index % len(REGIONS)]
