"""Demo data: a believable sales organisation and its call notes (seed_demo)."""
