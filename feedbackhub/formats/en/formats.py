# What Django's English locale would say otherwise: "Jan. 17, 2026", "11/26/2026".
# Input formats are not set here, so Django's own English ones still parse forms.
DATE_FORMAT = "j M Y"  # 17 Jan 2026
DATETIME_FORMAT = "j M Y, H:i"  # 17 Jan 2026, 14:05
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"  # 17 Jan
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"
